#include "genz/host/plugin_registry.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "genz/sdk/hardware.hpp"
#include "genz/sdk/op_resources.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

using test::fixture;

// Loads one fixture into a fresh registry and returns its rejection.
Rejection rejection_of(const std::string& name) {
  PluginRegistry r;
  EXPECT_FALSE(r.load_file(fixture(name))) << name << " was accepted";
  EXPECT_EQ(r.rejected().size(), 1u);
  return r.rejected().empty() ? Rejection{} : r.rejected().front();
}

TEST(PluginRegistry, RejectsAWrongAbiVersionFirst) {
  const Rejection r = rejection_of("bad_abi_version");
  EXPECT_EQ(r.reason, RejectReason::abi_version);
  EXPECT_EQ(r.message, "expected plugin ABI version 9, found 1: rebuild the plugin against this genz SDK");
}

TEST(PluginRegistry, RejectsAWrongStructSize) {
  const Rejection r = rejection_of("bad_struct_size");
  EXPECT_EQ(r.reason, RejectReason::struct_size);
  EXPECT_EQ(r.message, "expected genz_plugin_info of " + std::to_string(sizeof(genz_plugin_info)) + " bytes, found " +
                           std::to_string(sizeof(genz_plugin_info) - 8));
}

TEST(PluginRegistry, RejectsAnotherStandardLibrary) {
  const Rejection r = rejection_of("bad_build_id");
  EXPECT_EQ(r.reason, RejectReason::build_id);
  EXPECT_NE(r.message.find("found libc++;clang-99"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.rfind("expected a plugin built with libstdc++", 0), 0u) << r.message;
}

TEST(PluginRegistry, RejectsAnUnknownKind) {
  const Rejection r = rejection_of("bad_kind");
  EXPECT_EQ(r.reason, RejectReason::bad_kind);
  EXPECT_EQ(r.message, "expected kind 1..4 (model, hardware, comm, report), found 9");
}

TEST(PluginRegistry, RejectsANullInfo) {
  const Rejection r = rejection_of("null_info");
  EXPECT_EQ(r.reason, RejectReason::null_info);
  EXPECT_EQ(r.message, "expected a genz_plugin_info, found NULL");
}

TEST(PluginRegistry, RejectsALibraryWithoutEntryPoint) {
  const Rejection r = rejection_of("no_entry_point");
  EXPECT_EQ(r.reason, RejectReason::no_entry_point);
  EXPECT_EQ(r.message,
            "expected an exported function genz_plugin_v1, found none: not a genz plugin "
            "(or built without genz_add_plugin)");
}

TEST(PluginRegistry, RejectsAFileThatIsNotALibrary) {
  PluginRegistry r;
  r.load_directory(std::filesystem::path(GENZ_TEST_FIXTURE_DIR) / "not_a_library");
  ASSERT_EQ(r.rejected().size(), 1u);
  EXPECT_EQ(r.rejected()[0].reason, RejectReason::not_loadable);
  EXPECT_NE(r.rejected()[0].message.find("garbage.so"), std::string::npos) << r.rejected()[0].message;
}

TEST(PluginRegistry, RegistrationThatThrowsRegistersNothing) {
  PluginRegistry r;
  EXPECT_FALSE(r.load_file(fixture("throws_in_register")));
  ASSERT_EQ(r.rejected().size(), 1u);
  EXPECT_EQ(r.rejected()[0].reason, RejectReason::registration_failed);
  EXPECT_EQ(r.rejected()[0].message, "register function failed: calibration table missing");
  EXPECT_EQ(r.find(PluginKind::hardware, "throwing_gpu"), nullptr);
}

TEST(PluginRegistry, ATakenNameRefusesThatEntryOnlyAndTheFirstWins) {
  PluginRegistry r;
  r.load_directory(GENZ_TEST_PLUGIN_DIR);
  EXPECT_TRUE(r.load_file(fixture("duplicate_name")));
  ASSERT_EQ(r.rejected().size(), 1u);
  EXPECT_EQ(r.rejected()[0].reason, RejectReason::duplicate_name);
  EXPECT_NE(r.rejected()[0].message.find("hardware name 'rtx3090' is already registered by"), std::string::npos);
  EXPECT_NE(r.rejected()[0].message.find("nvidia.so"), std::string::npos);
  EXPECT_NE(r.rejected()[0].message.find("entry 'rtx3090' refused"), std::string::npos);
  EXPECT_EQ(r.libraries()[r.find(PluginKind::hardware, "rtx3090")->library].name, "nvidia");
  ASSERT_NE(r.find(PluginKind::hardware, "duplicate_fixture_gpu"), nullptr);  // the library's new name is kept
}

// What a user sees when a third-party library comes with the shipped ones:
// the shipped directory is searched first, so nothing of nvidia.so is lost.
TEST(PluginRegistry, AThirdPartyLibraryCannotShadowOrRemoveTheShippedOnes) {
  PluginRegistry r;
  r.load_directory(GENZ_TEST_PLUGIN_DIR);
  const std::size_t shipped = r.entries(PluginKind::hardware).size();
  EXPECT_FALSE(r.load_file(fixture("named_nvidia")));
  ASSERT_EQ(r.rejected().size(), 1u);
  EXPECT_EQ(r.rejected()[0].reason, RejectReason::duplicate_name);
  EXPECT_NE(r.rejected()[0].message.find("plugin name 'nvidia' is already taken"), std::string::npos);
  EXPECT_EQ(r.entries(PluginKind::hardware).size(), shipped);
  EXPECT_EQ(r.find(PluginKind::hardware, "impostor_gpu"), nullptr);
  EXPECT_NE(r.find(PluginKind::hardware, "h100"), nullptr);
}

TEST(PluginRegistry, AnEntryOfAnotherInterfaceIsRefusedAtLoadNotCastAndCalled) {
  const Rejection r = rejection_of("wrong_interface");
  EXPECT_EQ(r.reason, RejectReason::registration_failed);
  EXPECT_NE(r.message.find("entry 'hardware_as_model' creates a hardware object, but the library declares kind model"),
            std::string::npos)
      << r.message;
}

TEST(PluginRegistry, AFifoOrDeviceIsNotOpenedAsALibrary) {
  PluginRegistry r;
  EXPECT_FALSE(r.load_file("/dev/zero"));
  ASSERT_EQ(r.rejected().size(), 1u);
  EXPECT_EQ(r.rejected()[0].reason, RejectReason::not_loadable);
  EXPECT_NE(r.rejected()[0].message.find("expected a shared library (a regular file)"), std::string::npos);
}

TEST(PluginRegistry, LoadingContinuesAfterBadFiles) {
  PluginRegistry r;
  for (const char* f : {"bad_abi_version", "bad_struct_size", "no_entry_point", "throws_in_register", "null_info"})
    r.load_file(fixture(f));
  r.load_directory(GENZ_TEST_PLUGIN_DIR);
  EXPECT_EQ(r.rejected().size(), 5u);
  EXPECT_NE(r.find(PluginKind::hardware, "h100"), nullptr);
  EXPECT_NE(r.find(PluginKind::model, "llama2_7b"), nullptr);
  EXPECT_NE(r.find(PluginKind::comm, "nv_like"), nullptr);
  EXPECT_NE(r.find(PluginKind::report, "csv"), nullptr);
}

TEST(PluginRegistry, UnknownNamesListWhatIsAvailableAndWhatWasRejected) {
  PluginRegistry r;
  r.load_file(fixture("bad_abi_version"));
  r.load_directory(GENZ_TEST_PLUGIN_DIR);
  try {
    r.create<Hardware>(PluginKind::hardware, "rtx9090");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("unknown hardware 'rtx9090'; available hardware plugins: ", 0), 0u) << m;
    EXPECT_NE(m.find("rtx3090"), std::string::npos);
    EXPECT_NE(m.find("rejected "), std::string::npos);
    EXPECT_NE(m.find("ABI version mismatch"), std::string::npos);
  }
}

TEST(PluginRegistry, AFactoryThatReturnsNothingIsAClearError) {
  PluginRegistry r;
  ASSERT_TRUE(r.load_file(fixture("misbehaving_hardware")));
  try {
    r.create<Hardware>(PluginKind::hardware, "null_gpu");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hardware 'null_gpu' (plugin misbehaving_hardware"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("could not be created: the factory returned no object"), std::string::npos);
  }
}

TEST(PluginRegistry, ObjectsKeepTheirLibraryAlive) {
  Handle<Hardware> hw;
  {
    PluginRegistry r;
    r.load_directory(GENZ_TEST_PLUGIN_DIR);
    hw = r.create<Hardware>(PluginKind::hardware, "h100");
  }  // the registry, and its reference to the library, is gone
  Op op;
  op.kind = OpKind::gemm;
  op.m = op.n = op.k = 1024;
  resolve_defaults(op);
  EXPECT_GT(hw->time(op).seconds, 0);  // code of nvidia.so still runs
  EXPECT_EQ(hw->spec().name, "h100");
  EXPECT_EQ(hw.plugin(), "nvidia");
}

TEST(PluginRegistry, SameFileTwiceIsLoadedOnce) {
  PluginRegistry r;
  r.load_directory(GENZ_TEST_PLUGIN_DIR);
  const auto n = r.libraries().size();
  r.load_directory(GENZ_TEST_PLUGIN_DIR);
  EXPECT_EQ(r.libraries().size(), n);
  EXPECT_TRUE(r.rejected().empty());
}

TEST(PluginRegistry, AMissingDirectoryIsSkipped) {
  PluginRegistry r;
  r.load_directory("/nonexistent/genz/plugins");
  EXPECT_TRUE(r.libraries().empty());
  EXPECT_TRUE(r.rejected().empty());
  EXPECT_EQ(r.searched().size(), 1u);
}

}  // namespace
}  // namespace genz
