#pragma once
// The owner's side of a mailbox: taking what senders pushed, scanning for a
// match, reply tags, parking. Defined in mailbox.cpp; only the thread that
// runs the process (or the probe's own thread) calls these.

#include "process/process.hpp"

namespace ember::detail {

/// Takes everything in the inbox into the private queue, handling signals.
void drain_inbox(process* p);
/// Closes the inbox for good (senders now see a dead process) and empties
/// the mailbox. Link and monitor requests that came before are recorded, so
/// the exit's signals reach those senders too.
void close_mailbox(process* p);
/// Looks for a match for `st` in the private queue, from where the last
/// look stopped. On a match, removes it into st.result.
bool scan_queue(process* p, receive_state& st);
/// The receive a woken process waits in: re-checks it. True when the
/// process must resume (a match, a timeout, or an exit to take).
bool recheck_wait(process* p);
/// Reply tags of `p` (see ember::open_reply_tag); owner side. Closing one
/// also removes a reply to it that is queued already (after `from`, a
/// mark_queue link, when given).
void open_reply_tag(process* p, const term& tag);
void close_reply_tag(process* p, const term& tag, void* from = nullptr);
/// Takes in the inbox and returns the queue's end: a scan that starts there
/// sees only what arrives later (detail::mailbox_mark).
void* mark_queue(process* p);
/// Parks `p` (its inbox becomes `parked`); false when messages arrived
/// first and the caller must look again.
bool try_park(process* p);

} // namespace ember::detail
