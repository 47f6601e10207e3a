#include "genz/calibration/kernel_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "genz/engine/lowering.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

struct Parts {
  Handle<Hardware> hardware = test::plugins().create<Hardware>(PluginKind::hardware, "h100");
  Handle<CommBackend> comm = test::plugins().create<CommBackend>(PluginKind::comm, "nv_like");
  KernelModel model(const char* engine) const { return {hardware.get(), comm.get(), find_engine(engine)}; }
};

TEST(KernelCheck, AGemmIsTimedAsAPredictionTimesIt) {
  Parts p;
  KernelSample s;
  s.cls = KernelClass::gemm;
  s.m = 64;
  s.n = 8192;
  s.k = 8192;
  s.dtype = DType::fp8;
  const auto ops = kernel_ops(s, *find_engine("trtllm"));
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].compute_dtype, DType::fp8);
  EXPECT_TRUE(ops[0].replayed);  // the tables replay the kernel on the same buffers
  EXPECT_DOUBLE_EQ(*predict_kernel(s, p.model("trtllm")), p.hardware->time(ops[0]).seconds);
}

TEST(KernelCheck, CollectivesCountElementsAndUseTheEnginesAlgorithms) {
  Parts p;
  KernelSample s;
  s.cls = KernelClass::custom_all_reduce;
  s.gpus = 8;
  s.elements = 16384;  // 32 KiB of bf16
  s.dtype = DType::bf16;
  const double custom = *predict_kernel(s, p.model("trtllm"));
  s.cls = KernelClass::nccl;
  const double nccl = *predict_kernel(s, p.model("trtllm"));
  EXPECT_LT(custom, nccl);  // NCCL rows are timed with NCCL's protocols only
  // hf has no collectives section: the comm plugin answers.
  CollectiveQuery q;
  q.bytes = 32768;
  q.ranks = q.ranks_per_node = 8;
  q.intra = p.hardware->spec().intra_node;
  EXPECT_DOUBLE_EQ(*predict_kernel(s, p.model("hf")), p.comm->time(q).seconds);
}

TEST(KernelCheck, KernelsGenzDoesNotModelAreSkippedWithTheReason) {
  Parts p;
  KernelSample s;
  s.cls = KernelClass::context_attention;
  s.batch = 1;
  s.isl = 4096;
  s.heads = 32;
  s.kv_heads = 8;
  s.head_dim = 128;
  s.window = 1024;
  std::string why;
  EXPECT_FALSE(predict_kernel(s, p.model("trtllm"), &why).has_value());
  EXPECT_NE(why.find("sliding-window"), std::string::npos);
}

// MLA rows are timed as the deepseek_v3 graph's operators: decode attends
// over the shared latent, read once for all heads (measured on the H100:
// 256 sequences x 65 535 cached tokens, 128 heads, 7.05 ms).
TEST(KernelCheck, MlaDecodeIsTimedOverTheSharedLatent) {
  Parts p;
  KernelSample s;
  s.cls = KernelClass::mla_generation;
  s.batch = 256;
  s.isl = 1;
  s.step = 65535;
  s.heads = 128;
  const auto t = predict_kernel(s, p.model("trtllm"), nullptr);
  ASSERT_TRUE(t.has_value());
  EXPECT_GT(*t, 0.6 * 7.05e-3);
  EXPECT_LT(*t, 1.6 * 7.05e-3);
}

TEST(KernelCheck, RowsCarryTheIssuesTargetsPerGpuEngineAndClass) {
  test::TempDir t;
  std::filesystem::create_directories(t.path() / "h100_sxm" / "trtllm_1.3.0rc20");
  std::filesystem::create_directories(t.path() / "l40s" / "trtllm_1.3.0rc20");
  const std::string gemm = "gemm_dtype,m,n,k,latency_ms\nbfloat16,4096,4096,4096,0.2\nbfloat16,1,4096,4096,0.02\n";
  t.file("h100_sxm/trtllm_1.3.0rc20/gemm.csv", gemm);
  t.file("l40s/trtllm_1.3.0rc20/gemm.csv", gemm);
  const auto rows =
      kernel_table_rows(std::shared_ptr<const PluginRegistry>(&test::plugins(), [](auto*) {}), t.path().string());
  ASSERT_EQ(rows.size(), 4u);  // median and p90 of each GPU's one class
  EXPECT_EQ(rows[0].dataset, "kernels h100 trtllm");
  EXPECT_EQ(rows[0].metric, "GEMM bfloat16");
  EXPECT_EQ(rows[0].n, 2u);
  EXPECT_EQ(rows[0].threshold, 8);   // TensorRT-LLM on a Hopper part
  EXPECT_EQ(rows[1].threshold, 20);  // p90
  EXPECT_EQ(rows[2].threshold, 12);  // L40S
}

// vLLM's block-scaled FP8 table was timed as eager calls: a small GEMM takes
// the host's time per call of its kernel source (90.7 us for DeepGEMM on the
// H100's box), a large one the kernel's, and a source without a host time is
// the kernel alone.
TEST(KernelCheck, EagerCallTablesAreTheLongerOfTheHostAndTheKernel) {
  Parts p;
  const EngineProfile& vllm = *find_engine("vllm");
  const auto host = vllm.eager_call_seconds("sm90", "DeepGemmFp8BlockScaledMMKernel");
  ASSERT_TRUE(host.has_value());
  EXPECT_NEAR(*host, 90e-6, 10e-6);
  KernelSample s;
  s.cls = KernelClass::gemm;
  s.dtype = DType::fp8;
  s.block_scaled = true;
  s.source = "DeepGemmFp8BlockScaledMMKernel";
  s.m = 16;
  s.n = s.k = 1024;
  EXPECT_DOUBLE_EQ(*predict_kernel(s, p.model("vllm")), *host);
  s.source = "a kernel captured in its graph";
  EXPECT_LT(*predict_kernel(s, p.model("vllm")), 0.2 * *host);
  s.source = "DeepGemmFp8BlockScaledMMKernel";
  s.m = 16384;  // 2.2 TFLOP: ms of tensor work
  s.n = s.k = 8192;
  EXPECT_GT(*predict_kernel(s, p.model("vllm")), 10 * *host);
}

// The rows of an eager-call table well above the host's time are reported on
// their own too, without a target: the kernel model alone.
TEST(KernelCheck, EagerCallTablesReportTheirKernelBoundRows) {
  test::TempDir t;
  std::filesystem::create_directories(t.path() / "h100_sxm" / "other_backends");
  t.file("h100_sxm/other_backends/vllm_0.24.0_gemm.csv",
         "kernel_source,gemm_dtype,m,n,k,latency_ms\n"
         "DeepGemmFp8BlockScaledMMKernel,fp8_block,16,1024,1024,0.09\n"
         "DeepGemmFp8BlockScaledMMKernel,fp8_block,16384,8192,8192,1.8\n");
  const auto rows =
      kernel_table_rows(std::shared_ptr<const PluginRegistry>(&test::plugins(), [](auto*) {}), t.path().string());
  std::size_t kernel_bound = 0;
  for (const auto& r : rows)
    if (r.metric.find("(kernel-bound rows)") != std::string::npos) {
      ++kernel_bound;
      EXPECT_FALSE(r.has_target);
      EXPECT_EQ(r.n, 1u);  // the large GEMM only
      EXPECT_NE(r.note.find("eager call"), std::string::npos) << r.note;
    }
  EXPECT_EQ(kernel_bound, 1u);
}

// vLLM's sm89 attention kernels were fitted on half of the L40S's head
// configurations, so its rows there split into the fitted half and the
// held-out half; the H200 runs the H100's kernels and stays whole.
TEST(KernelCheck, ATargetsOwnAttentionKernelsReportTheirHeldOutHeads) {
  test::TempDir t;
  const std::string table =
      "kernel_source,batch_size,isl,num_heads,num_key_value_heads,head_dim,attn_dtype,kv_cache_dtype,step,"
      "window_size,latency_ms\n"
      "fa,8,1,32,8,128,bfloat16,bfloat16,1023,0,0.02\n"   // parity even: fitted
      "fa,8,1,24,1,128,bfloat16,bfloat16,1023,0,0.02\n";  // parity odd: held out
  for (const char* gpu : {"l40s", "h200_sxm"}) {
    std::filesystem::create_directories(t.path() / gpu / "other_backends");
    t.file(std::string(gpu) + "/other_backends/vllm_0.24.0_generation_attention.csv", table);
  }
  const auto rows =
      kernel_table_rows(std::shared_ptr<const PluginRegistry>(&test::plugins(), [](auto*) {}), t.path().string());
  std::vector<std::string> l40s, h200;
  for (const auto& r : rows) (r.dataset == "kernels l40s vllm" ? l40s : h200).push_back(r.metric);
  EXPECT_NE(std::find(l40s.begin(), l40s.end(), "decode attention (held-out heads)"), l40s.end());
  EXPECT_NE(std::find(l40s.begin(), l40s.end(), "decode attention"), l40s.end());
  EXPECT_EQ(std::count(h200.begin(), h200.end(), "decode attention"), 2);  // median and p90, one class
  EXPECT_EQ(h200.size(), 2u);
}

}  // namespace
}  // namespace genz
