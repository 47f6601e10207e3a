/* The C boundary between the genz host and its plugins.
 *
 * Every plugin library exports exactly one symbol, GENZ_PLUGIN_ENTRY_NAME, a
 * function that returns a pointer to a static genz_plugin_info. The host reads
 * abi_version and struct_size before touching any other field, then build_id,
 * and only then calls register_fn. Calling the entry point has no side effects.
 *
 * Rules for changing this file (the LLVM pass-plugin rule): any change to a
 * struct here, or to the C++ interfaces in this directory, bumps
 * GENZ_PLUGIN_ABI_VERSION. Fields are only ever appended.
 *
 * ABI 3: report.hpp gained the serving simulation's records and summary
 * (ServingRecord, RequestRecord::serving, RunInfo::serving,
 * RunSummary::metrics and ::series).
 * ABI 4: hardware_spec.hpp's AchievedSpec gained gemm_kernels (GEMM kernels
 * timed per tile, gemm_kernel.hpp).
 * ABI 5: LinkSpec gained collective_latency_scale and
 * collective_bandwidth_scale (the engines' collectives on other parts).
 * ABI 6: EwKind gained moe_permute (before other); Op gained a_quantized.
 * ABI 7: Op gained block_scaled; AchievedSpec gained fp8_block_gemm (the
 * block-scaled FP8 GEMM kernels).
 * ABI 8: gemm_kernel.hpp's GemmTile (tile, cluster, split-K) and
 * gemm_quantize_seconds; GemmKernelSpec gained quantize_row; HardwareSpec
 * gained architecture (the engines' GEMM kernels dispatch by it).
 * ABI 9: LinkSpec gained step_latency, ll_latency, ll_fraction, p2p_latency
 * and contention (NCCL over a PCIe server's shared root complex);
 * GemmKernelSpec gained l2_bandwidth and l2_fraction, Op gained replayed
 * (the kernel tables' working set resident in the L2).
 */
#ifndef GENZ_SDK_ABI_H
#define GENZ_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#define GENZ_PLUGIN_ABI_VERSION 9u
#define GENZ_PLUGIN_ENTRY_NAME "genz_plugin_v1"

#if defined(_WIN32)
#define GENZ_PLUGIN_EXPORT __declspec(dllexport)
#else
#define GENZ_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* What a library provides. One library has one kind; it may register several
 * entries of that kind (e.g. one hardware library exporting several GPUs). */
typedef enum genz_kind {
  GENZ_KIND_MODEL = 1,
  GENZ_KIND_HARDWARE = 2,
  GENZ_KIND_COMM = 3,
  GENZ_KIND_REPORT = 4
} genz_kind;

/* Creates one object of the entry's kind. config_json is a JSON document
 * (never NULL; "{}" when there is nothing to say). On failure the factory
 * returns NULL and writes a NUL-terminated message into error (at most
 * error_size bytes). It must not throw. The returned pointer is a C++ object
 * deriving from the SDK interface of the kind (genz::Model, genz::Hardware,
 * genz::CommBackend, genz::Reporter); the host deletes it through its virtual
 * destructor while the library is still loaded. */
typedef void* (*genz_factory_fn)(const void* user_data, const char* config_json, char* error, size_t error_size);

typedef struct genz_entry {
  uint32_t struct_size; /* sizeof(genz_entry) as the plugin saw it */
  const char* name;     /* registry key, e.g. "rtx3090" */
  const char* description;
  const char* aliases; /* comma-separated alternative names, or NULL */
  genz_factory_fn create;
  const void* user_data; /* passed back to create; owned by the plugin */
  /* ABI 2: the genz_kind of the SDK interface create returns (genz::factory
   * fills it from the interface type). The host refuses an entry whose
   * interface is not the library's kind, instead of casting the object to
   * the wrong interface. */
  uint32_t interface_kind;
  /* ABI 2, model entries: comma-separated Hugging Face "architectures" and
   * "model_type" values whose config.json this entry reads, or NULL when it
   * reads none (a fixed variant). The host chooses the entry for a
   * --model-config by this list, never by trying entries. */
  const char* accepts;
} genz_entry;

/* Host-provided; the plugin calls back into it from register_fn. */
typedef struct genz_registrar {
  uint32_t struct_size;
  void* host_context;
  /* Adds one entry of the library's kind. Returns 0 on success, non-zero when
   * the host refuses it (the reason is kept by the host). */
  int (*add)(struct genz_registrar* self, const genz_entry* entry);
  /* Records why registration failed; register_fn then returns non-zero. */
  void (*set_error)(struct genz_registrar* self, const char* message);
} genz_registrar;

typedef int (*genz_register_fn)(genz_registrar* registrar);

typedef struct genz_plugin_info {
  uint32_t abi_version; /* GENZ_PLUGIN_ABI_VERSION the plugin was built with */
  uint32_t struct_size; /* sizeof(genz_plugin_info) as the plugin saw it */
  uint32_t kind;        /* a genz_kind */
  uint32_t reserved0;
  const char* name;           /* library name, unique across loaded plugins */
  const char* plugin_version; /* the plugin's own version, free text */
  const char* sdk_version;    /* GENZ_SDK_VERSION_STRING at build time */
  const char* build_id;       /* compiler + C++ ABI, see build_id.hpp */
  genz_register_fn register_fn;
  const void* reserved[4]; /* for appended fields; must be NULL */
} genz_plugin_info;

typedef const genz_plugin_info* (*genz_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* GENZ_SDK_ABI_H */
