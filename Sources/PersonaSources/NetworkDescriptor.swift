import PersonaModel

/// Everything personad knows about one network, declared in that network's folder: its id and
/// name, the readers of the kinds of source it supports, its scoring calibration and where the
/// constants come from, and what it can do beyond reading (name who reacted, derive a URL from a
/// handle, check a handle).
///
/// The registry (`SourceRegistry.networks`) is the one list of descriptors; configuration
/// validation, scoring calibration and the docs' tables all ask it. `Docs/adding-a-network.md`
/// says how to add one.
///
/// Important: a descriptor describes one network. Nothing in it may combine networks.
public protocol NetworkDescriptor: Sendable {
    /// The id used in configuration (`network = "…"`) and snapshots.
    var network: Network { get }
    /// The network's name for people ("LinkedIn").
    var displayName: String { get }
    /// One reader per kind of source the network supports.
    var readers: [SourceKind: SourceReader] { get }
    /// The per-network scoring constants, with their basis and source.
    var calibration: NetworkCalibration { get }
    /// The kinds of source whose reader can ask who reacted to a post (the `engagers` key).
    var engagerLookups: Set<SourceKind> { get }
    /// Added to "missing key 'url'" when an `api` or `feed` source has no URL and the handle gives
    /// none, e.g. "or give the handle as name@instance".
    var urlHint: String? { get }
    /// What is wrong with a configured handle, or nil when it is usable. Checked before start.
    func handleProblem(_ handle: String) -> String?
    /// The kinds of source that take a secret (`token_file` or `credential`), and what it is, in words.
    var secrets: [SourceKind: String] { get }
    /// What is wrong with a secret's form (never quoting it), or nil when it is usable.
    func secretProblem(kind: SourceKind, _ secret: String) -> String?
}

extension NetworkDescriptor {
    public var engagerLookups: Set<SourceKind> { [] }
    public var urlHint: String? { nil }
    public func handleProblem(_ handle: String) -> String? { nil }
    public var secrets: [SourceKind: String] { [:] }
    public func secretProblem(kind: SourceKind, _ secret: String) -> String? { nil }

    /// The kinds this network supports, in `SourceKind`'s order.
    public var kinds: [SourceKind] { SourceKind.allCases.filter { readers[$0] != nil } }

    /// What a source of this kind can never measure, and why.
    public func unmeasurable(_ kind: SourceKind) -> [Metric: String] { readers[kind]?.unmeasurable ?? [:] }

    /// The URL a source of this kind uses when its configuration gives none.
    public func defaultURL(kind: SourceKind, handle: String) -> String? { readers[kind]?.defaultURL(handle: handle) }
}

/// A reader, as a network declares it: an export's or a remote source's.
public enum SourceReader: Sendable {
    case export(any ExportReader)
    case remote(any RemoteReader)

    public var unmeasurable: [Metric: String] {
        switch self {
        case .export(let reader): type(of: reader).unmeasurable
        case .remote(let reader): type(of: reader).unmeasurable
        }
    }

    /// The URL a remote source uses when its configuration gives none.
    public func defaultURL(handle: String) -> String? {
        switch self {
        case .export: nil
        case .remote(let reader): type(of: reader).defaultURL(handle: handle)
        }
    }
}
