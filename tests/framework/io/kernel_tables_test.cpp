#include "genz/io/kernel_tables.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

std::vector<KernelSample> read_all(const std::string& path, KernelClass cls, std::size_t* skipped = nullptr) {
  std::vector<KernelSample> out;
  const std::size_t s = for_each_kernel_sample(path, cls, [&](const KernelSample& k) { out.push_back(k); });
  if (skipped) *skipped = s;
  return out;
}

TEST(KernelTables, ClassesComeFromTheFileNames) {
  EXPECT_EQ(kernel_class_of_file("a/trtllm_1.3.0rc20/gemm.csv"), KernelClass::gemm);
  EXPECT_EQ(kernel_class_of_file("a/other_backends/vllm_0.24.0_gemm.csv.gz"), KernelClass::gemm);
  EXPECT_EQ(kernel_class_of_file("generation_attention.csv"), KernelClass::generation_attention);
  EXPECT_EQ(kernel_class_of_file("sglang_0.5.14_custom_allreduce.csv.gz"), KernelClass::custom_all_reduce);
  EXPECT_EQ(kernel_class_of_file("nccl.csv"), KernelClass::nccl);
  EXPECT_EQ(kernel_class_of_file("mla_context.csv"), KernelClass::mla_context);
  EXPECT_EQ(kernel_class_of_file("mla_context_module.csv"), std::nullopt);
  EXPECT_EQ(kernel_class_of_file("moe_full.csv.gz"), std::nullopt);  // skewed routing: not the balanced class
}

TEST(KernelTables, KeepsTheColumnsMeaning) {
  test::TempDir t;
  const auto attn = read_all(t.file("generation_attention.csv",
                                    "batch_size,isl,num_heads,num_key_value_heads,head_dim,window_size,attn_dtype,"
                                    "kv_cache_dtype,step,latency_ms\n8,1,16,2,128,0,bfloat16,fp8,4095,0.05\n")
                                 .string(),
                             KernelClass::generation_attention);
  ASSERT_EQ(attn.size(), 1u);
  EXPECT_EQ(attn[0].step, 4095);  // tokens already cached
  EXPECT_EQ(attn[0].heads, 16);   // per GPU
  EXPECT_EQ(attn[0].kv_dtype, DType::fp8);
  EXPECT_DOUBLE_EQ(attn[0].seconds, 50e-6);
  const auto ar = read_all(
      t.file("custom_allreduce.csv", "allreduce_dtype,num_gpus,message_size,latency_ms\nbfloat16,8,4096,0.003\n")
          .string(),
      KernelClass::custom_all_reduce);
  ASSERT_EQ(ar.size(), 1u);
  EXPECT_EQ(ar[0].elements, 4096);  // elements, not bytes
  EXPECT_EQ(ar[0].gpus, 8u);
  std::size_t skipped = 0;
  const auto g = read_all(t.file("gemm.csv",
                                 "gemm_dtype,m,n,k,latency_ms\nfp8_block,16,4096,7168,0.02\n"
                                 "nvfp4,16,4096,7168,0.01\n")
                              .string(),
                          KernelClass::gemm, &skipped);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g[0].block_scaled);
  EXPECT_EQ(g[0].dtype, DType::fp8);
  EXPECT_EQ(skipped, 1u);  // a format genz has no type for is counted, not guessed
}

TEST(KernelTables, BadRowsNameFileLineAndColumn) {
  test::TempDir t;
  const auto bad = [&](const std::string& name, const std::string& text, KernelClass cls) {
    try {
      read_all(t.file(name, text).string(), cls);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(bad("gemm.csv", "gemm_dtype,m,n,k,latency_ms\nbfloat16,0,1,1,0.1\n", KernelClass::gemm)
                .find("gemm.csv: line 2, column m: expected a positive number"),
            std::string::npos);
  EXPECT_NE(bad("nccl.csv", "op_name,nccl_dtype,num_gpus,message_size,latency_ms\nbroadcast,half,2,8,0.1\n",
                KernelClass::nccl)
                .find("line 2, column op_name: expected all_reduce"),
            std::string::npos);
  EXPECT_NE(
      bad("gemm.csv", "gemm_dtype,m,n,latency_ms\nbfloat16,1,1,0.1\n", KernelClass::gemm).find("expected a column 'k'"),
      std::string::npos);
}

TEST(KernelTables, ReadsTheShippedTables) {
  const std::string path = test::data("aiconfigurator-kernels/h100_sxm/other_backends/vllm_0.24.0_gemm.csv.gz");
  if (path.empty()) GTEST_SKIP() << "../shared/data not present";
  std::size_t rows = 0;
  for_each_kernel_sample(path, KernelClass::gemm, [&](const KernelSample& s) {
    ++rows;
    EXPECT_GT(s.seconds, 0);
  });
  EXPECT_GT(rows, 100000u);
}

}  // namespace
}  // namespace genz
