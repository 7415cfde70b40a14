import PersonaModel

/// One definition of "answering people" for every reader (`Docs/scoring.md`, "What is counted").
///
/// A reply is an **answer** (`.reply`) when it goes to someone else, and a **self-reply** when it
/// continues the persona's own words (a thread, a comment under one's own post that addresses no
/// one). Sources say different amounts about the parent, so the rule is applied with what they say:
/// - the parent's author is known (Mastodon, Bluesky, X, Reddit): a reply to the persona's own post
///   or comment is a self-reply, to anyone else's an answer;
/// - only the post's owner is known, not the parent (Instagram comments): a comment on the persona's
///   own post that @-mentions someone else answers that person (Instagram's "Reply" inserts the
///   mention); one that mentions no one else is a self-reply;
/// - nothing is known of the parent (Facebook, LinkedIn comments): an answer. Formula 2 counts
///   replies as answers only where the replies the persona received are measured, which those
///   exports never do, so they add nothing either way.
public enum ReplyKind {
    /// The kind of a comment on a post whose owner is known but whose parent is not.
    public static func comment(onOwnPost: Bool, text: String, handle: String) -> PostKind {
        guard onOwnPost else { return .reply }
        return mentionsSomeoneElse(text, handle: handle) ? .reply : .selfReply
    }

    /// The kind of a reply whose parent is known to be the persona's own (or not).
    public static func reply(parentIsOwn: Bool) -> PostKind { parentIsOwn ? .selfReply : .reply }

    /// Whether `text` @-mentions an account other than `handle` (with or without its own `@`).
    static func mentionsSomeoneElse(_ text: String, handle: String) -> Bool {
        let own = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        var rest = Substring(text)
        while let at = rest.firstIndex(of: "@") {
            let name = rest[rest.index(after: at)...].prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
            let trimmed = name.hasSuffix(".") ? name.dropLast() : name
            let before = at == text.startIndex ? nil : text[text.index(before: at)]
            // An address (ana@example.org) is not a mention.
            if !trimmed.isEmpty, before.map({ !$0.isLetter && !$0.isNumber }) ?? true,
               trimmed.caseInsensitiveCompare(own) != .orderedSame {
                return true
            }
            rest = rest[rest.index(after: at)...]
        }
        return false
    }
}
