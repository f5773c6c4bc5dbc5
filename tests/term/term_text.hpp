#pragma once
// p("..."): a term from Erlang text, failing the test when it does not parse.

#include <gtest/gtest.h>

#include "ember/term/parse.hpp"

namespace ember {

inline term p(std::string_view text) {
    auto t = parse(text);
    EXPECT_TRUE(t) << text << ": " << (t ? "" : t.error().message);
    return t ? *t : term();
}

} // namespace ember
