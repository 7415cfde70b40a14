import CTOML
import TOMLKit

/// Frees what a parsed TOML document holds, once the configuration has been read out of it.
///
/// TOMLKit never frees a document: its `TOMLTable` has no `deinit`, so every load leaked the whole
/// tree, about 1.7 KB a persona (19 MB at 11,000 personas, by `heaptrack`), again at each SIGHUP.
/// `tableClear` (TOMLKit's C layer) destroys the root table's contents; the empty root itself
/// (a few dozen bytes) still leaks.
///
/// - Important: call it only when no `TOMLTable` or value taken from the document is used again:
///   they point into the tree it frees. The pointer is read with `Mirror` because TOMLKit keeps it
///   internal; if a TOMLKit release renames it, nothing is freed (the leak returns), nothing breaks.
enum TOMLDocumentRelease {
    static func release(_ document: TOMLTable) {
        let pointer = Mirror(reflecting: document).children.first { $0.label == "tablePointer" }?.value as? OpaquePointer
        guard let pointer else { return }
        tableClear(pointer)
    }
}
