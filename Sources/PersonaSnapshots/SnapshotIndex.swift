import Foundation
import PersonaModel

/// `index.json`: one line per persona, side by side. Never a total, an average or a ranking.
public struct SnapshotIndex: Decodable, Sendable, Hashable {
    public var schemaVersion: Int
    public var generatedAt: Date
    public var personas: [Entry]

    public init(generatedAt: Date, personas: [Entry]) {
        self.schemaVersion = PersonaSnapshot.currentSchemaVersion
        self.generatedAt = generatedAt
        self.personas = personas
    }

    public struct Entry: Decodable, Sendable, Hashable {
        public var id: String
        public var network: Network
        public var file: String
        public var score: Double?
        public var status: ScoreStatus
        public var generatedAt: Date

        public init(id: String, network: Network, file: String, score: Double?, status: ScoreStatus, generatedAt: Date) {
            self.id = id
            self.network = network
            self.file = file
            self.score = score
            self.status = status
            self.generatedAt = generatedAt
        }
    }
}
