// Errors the host reports to the user. InputError (from the SDK) is a mistake
// in the user's input; Error is anything else that stops a run.
#pragma once

#include <stdexcept>

#include "genz/sdk/json_view.hpp"

namespace genz {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace genz
