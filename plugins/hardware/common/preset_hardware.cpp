#include "preset_hardware.hpp"

#include <string>

#include "genz/sdk/hardware_json.hpp"

namespace genz::hardware {
namespace {

std::string stem(const char* file_name) {
  std::string s = file_name;
  return s.substr(0, s.find('.'));
}

const genz_embedded::File* find_file(const genz_embedded::File* files, std::size_t n, const std::string& name) {
  for (std::size_t i = 0; i < n; ++i)
    if (stem(files[i].name) == name) return &files[i];
  return nullptr;
}

std::unique_ptr<Hardware> make_preset(const void* user_data, std::string_view config) {
  return std::make_unique<RooflineHardware>(*static_cast<const HardwareSpec*>(user_data), hardware_options(config));
}

}  // namespace

std::vector<HardwareSpec> load_presets(const genz_embedded::File* specs, std::size_t spec_count,
                                       const genz_embedded::File* calibrations, std::size_t calibration_count) {
  std::vector<HardwareSpec> out;
  for (std::size_t i = 0; i < spec_count; ++i) {
    const std::string name = stem(specs[i].name);
    nlohmann::json doc = parse_json(specs[i].text, std::string("built-in spec ") + specs[i].name);
    // A part without measurements of its own may borrow the fitted values of
    // a sibling ("achieved_from": same memory system and software stack).
    std::string source = name;
    if (!find_file(calibrations, calibration_count, name) && doc.contains("achieved_from"))
      source = doc["achieved_from"].get<std::string>();
    doc.erase("achieved_from");
    // Or only its interconnect: the measured latency and efficiency of a
    // link of the same kind ("link_from").
    if (doc.contains("link_from")) {
      const std::string from = doc["link_from"].get<std::string>();
      doc.erase("link_from");
      if (const auto* cal = find_file(calibrations, calibration_count, from)) {
        const nlohmann::json fitted = parse_json(cal->text, std::string("calibration ") + cal->name);
        if (fitted.contains("achieved") && fitted["achieved"].contains("intra_node"))
          doc["achieved"]["intra_node"] = fitted["achieved"]["intra_node"];
        doc["notes"] = doc.value("notes", std::string()) + "Intra-node link latency and efficiency of " + from + ". ";
      }
    }
    if (const auto* cal = find_file(calibrations, calibration_count, source)) {
      const nlohmann::json fitted = parse_json(cal->text, std::string("calibration ") + cal->name);
      // Its own calibration wins over the spec; a sibling's only fills what
      // the spec's own tables did not fit (the L40S fits its GEMMs and its
      // PCIe collectives, the RTX 3090 lends the rest). Merged at any depth.
      for (const char* section : {"achieved", "engine_host"})
        if (fitted.contains(section)) {
          if (!doc.contains(section) || !doc[section].is_object()) {
            doc[section] = fitted[section];
          } else if (source == name) {
            doc[section].update(fitted[section], /*merge_objects=*/true);
          } else {
            nlohmann::json merged = fitted[section];
            merged.update(doc[section], /*merge_objects=*/true);
            doc[section] = std::move(merged);
          }
        }
      if (fitted.contains("calibration") && fitted["calibration"].contains("command"))
        doc["notes"] = doc.value("notes", std::string()) +
                       (source == name ? "Calibrated by: " : "Achieved values of " + source + ", calibrated by: ") +
                       fitted["calibration"]["command"].get<std::string>();
    }
    out.push_back(hardware_from_json(doc, std::string("built-in spec ") + specs[i].name, name));
  }
  return out;
}

void register_presets(Registrar& r, const std::vector<HardwareSpec>& presets) {
  for (const auto& p : presets) r.add(p.name.c_str(), p.display_name.c_str(), factory<Hardware, make_preset>(), &p);
}

}  // namespace genz::hardware
