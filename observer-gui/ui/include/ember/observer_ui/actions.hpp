#pragma once
// Actions on a process, each behind a confirmation: kill, exit with a
// reason, suspend, resume, send a term. The reason and the message are typed
// in Erlang syntax and parsed before anything is sent; a parse error shows
// where it is. Under a read-only token the buttons are greyed out and say
// why: the node would refuse them (needs_admin) anyway, but an operator
// should not have to try to find out. UI thread, inside a frame.

#include <optional>
#include <string>

#include "ember/observer/node_session.hpp"

namespace ember::observer::ui {

class action_dialog {
public:
    /// One button per action on `p`; a click asks for confirmation.
    void buttons(const node_session& s, const ember::pid& p);
    /// The same as menu items (a table row's context menu).
    void menu_items(const node_session& s, const ember::pid& p);
    /// Asks for confirmation of `kind` on `p` (the dialog opens on draw()).
    void ask(action_kind kind, const ember::pid& p);
    /// The confirmation dialog, when one is asked for; on confirm the
    /// action goes to the node (node_session::act). Call once a frame,
    /// outside any other popup.
    void draw(node_session& s);
    /// The pending confirmation (for tests and screenshots).
    bool asking() const noexcept { return kind_.has_value(); }

private:
    std::optional<action_kind> kind_;
    ember::pid pid_;
    bool open_ = false;   // OpenPopup on the next draw
    std::string input_;   // exit: the reason; send: the message
    std::string error_;   // the input's parse error, "" when it reads
    std::size_t error_offset_ = 0; // where in input_ the parser stopped
};

} // namespace ember::observer::ui
