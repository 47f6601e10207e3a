// Files compiled into a target by genz_embed() (cmake/GenzEmbed.cmake).
#pragma once

namespace genz_embedded {
struct File {
  const char* name;
  const char* text;
};
}  // namespace genz_embedded
