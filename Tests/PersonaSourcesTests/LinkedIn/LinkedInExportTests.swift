import Foundation
import PersonaModel
import Testing
import TestSupport
@testable import PersonaSources
import PersonaUtilities

@Suite final class LinkedInExportTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory("linkedin-export") }
    deinit { directory.remove() }

    func read(_ name: String, handle: String = "ana-example") throws -> Observation {
        try LinkedInExportReader().read(ExportArchive(path: directory.file(name)), handle: handle)
    }

    func utf16(_ text: String) -> Data {
        var data = Data([0xFF, 0xFE])
        data.append(text.data(using: .utf16LittleEndian) ?? Data())
        return data
    }

    @Test func currentGeneration() throws {
        try directory.write("now/Shares.csv", #"""
            Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility
            2025-07-01 14:33:22,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A1,"Line one
            ""Quoted"" line two #Hiring",,,MEMBER_NETWORK
            2025-07-02 09:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A2,plain,,,PUBLIC
            """#)
        try directory.write("now/Comments.csv", #"""
            Date,Link,Message
            2025-07-03 10:00:00,https://www.linkedin.com/feed/update/urn:li:activity:9,"She said \"yes\", finally"
            """#)
        try directory.write("now/Reactions.csv", "Date,Type,Link\n2025-07-04 10:00:00,PRAISE,https://www.linkedin.com/feed/update/urn:li:activity:8\n2025-07-04 11:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:7\n")
        try directory.write("now/messages.csv", """
            CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER
            c1,,Bob B,https://www.linkedin.com/in/bob,Ana E,https://www.linkedin.com/in/ana-example,2024-06-18 11:59:53 UTC,,Hello?,INBOX
            c1,,Ana E,https://www.linkedin.com/in/ana-example,Bob B,https://www.linkedin.com/in/bob,2024-06-18 13:00:00 UTC,,Hi Bob,INBOX
            c2,,Eve C,https://www.linkedin.com/in/eve,Ana E,https://www.linkedin.com/in/ana-example,2024-06-19 08:00:00 UTC,,Job?,INBOX
            """)
        try directory.write("now/Connections.csv", """
            Notes:
            "When exporting your connection data, you may notice that some of the email addresses are missing."

            First Name,Last Name,URL,Email Address,Company,Position,Connected On
            Bob,B,https://www.linkedin.com/in/bob,,Acme,Engineer,28 Nov 2021
            ,,,,,,03 Jan 2022
            Eve,C,https://www.linkedin.com/in/eve,,Beta,CTO,15 Feb 2023
            """)
        try directory.write("now/Endorsement_Received_Info.csv", "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status\n2024/02/24 14:03:38 UTC,Swift,Bob,B,www.linkedin.com/in/bob,ACCEPTED\n")
        try directory.write("now/Recommendations_Received.csv", "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\nEve,C,Beta,CTO,\"Great, really\",\"12/24/23, 05:28 AM\",VISIBLE\n")
        try directory.write("now/Invitations.csv", "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\nJoe D,Ana E,\"6/14/24, 5:57 AM\",,INCOMING,https://www.linkedin.com/in/joe,https://www.linkedin.com/in/ana-example\nAna E,Kim F,\"6/15/24, 5:57 PM\",Hi,OUTGOING,https://www.linkedin.com/in/ana-example,https://www.linkedin.com/in/kim\n")
        let observation = try read("now")
        let shares = observation.posts.filter { $0.kind == .original }
        #expect(shares.count == 2)
        #expect(shares.contains { $0.text == "Line one\n\"Quoted\" line two #Hiring" && $0.tags == ["hiring"] })
        #expect(shares.first?.createdAt == DateParsing.iso8601("2025-07-01T14:33:22Z"))
        #expect(observation.posts.filter { $0.kind == .reply }.map(\.text) == ["She said \"yes\", finally"])
        #expect(observation.audience == 3)
        let kinds = observation.interactions.map(\.kind)
        #expect(kinds.filter { $0 == .reactionGiven }.count == 2)
        #expect(kinds.filter { $0 == .messageReceived }.count == 2)
        #expect(kinds.filter { $0 == .messageSent }.count == 1)
        #expect(observation.interactions.first { $0.kind == .messageSent }?.thread == "c1")
        #expect(kinds.contains(.endorsementReceived) && kinds.contains(.recommendationReceived))
        #expect(kinds.contains(.invitationReceived) && kinds.contains(.invitationSent))
        let invitation = try #require(observation.interactions.first { $0.kind == .invitationSent })
        #expect(invitation.at == DateParsing.iso8601("2024-06-15T17:57:00Z"))
        #expect(observation.interactions.first { $0.kind == .recommendationReceived }?.at == DateParsing.iso8601("2023-12-24T05:28:00Z"))
    }

    @Test func generation2018() throws {
        try FileManager.default.createDirectory(atPath: directory.file("old"), withIntermediateDirectories: true)
        try utf16("Date\tShare Title\tShare Description\tShare Link\tShare Commentary\tShared URL\tMedia URL\tType\tVisibility\r\n"
            + "2017/06/08 08:15:44 UTC\tA title\t\thttps://www.linkedin.com/updates?topic=1\tCaf\u{e9} \u{1F600}\t\t\tSHARE\tPUBLIC\r\n")
            .write(to: URL(fileURLWithPath: directory.file("old/Shares.csv")))
        try directory.write("old/Messages.csv", "From,To,Date,Subject,Content,Direction,Folder\nBob B,Ana E,\"10/16/18, 8:36 AM\",Hi,Hello &amp; welcome,INCOMING,INBOX\nAna E,Bob B,\"10/16/18, 9:01 AM\",Re: Hi,Thanks,OUTGOING,SENT\n")
        try directory.write("old/Connections.csv", "First Name,Last Name,Email Address,Company,Position,Connected On\nBob,B,,Acme,Eng,\"1/8/18, 6:14 PM\"\n")
        let observation = try read("old")
        #expect(observation.posts.count == 1)
        #expect(observation.posts[0].text == "Caf\u{e9} \u{1F600}")
        #expect(observation.posts[0].createdAt == DateParsing.iso8601("2017-06-08T08:15:44Z"))
        #expect(observation.interactions.map(\.kind) == [.messageReceived, .messageSent])
        #expect(observation.interactions[0].at == DateParsing.iso8601("2018-10-16T08:36:00Z"))
        #expect(observation.audience == 1)
    }

    @Test func datesInEveryFormat() {
        #expect(LinkedInDates.parse("1/8/18, 6:14 PM") == DateParsing.iso8601("2018-01-08T18:14:00Z"))
        #expect(LinkedInDates.parse("12/24/23, 12:05 AM") == DateParsing.iso8601("2023-12-24T00:05:00Z"))
        #expect(LinkedInDates.parse("12/24/23, 12:05 PM") == DateParsing.iso8601("2023-12-24T12:05:00Z"))
        #expect(LinkedInDates.parse("28 Nov 2021") == DateParsing.iso8601("2021-11-28T00:00:00Z"))
        #expect(LinkedInDates.parse("2017/06/08 08:15:44 UTC") == DateParsing.iso8601("2017-06-08T08:15:44Z"))
        #expect(LinkedInDates.parse("2025-07-01 14:33:22") == DateParsing.iso8601("2025-07-01T14:33:22Z"))
        #expect(LinkedInDates.parse("2024-06-18 11:59:53 UTC") == DateParsing.iso8601("2024-06-18T11:59:53Z"))
        #expect(LinkedInDates.parse("someday") == nil)
    }

    @Test func badDateAndBrokenQuoteNameFileAndLine() throws {
        try directory.write("bad/Shares.csv", "Date,ShareLink,ShareCommentary\n2025-07-01 14:33:22,l,ok\nsoon,l,bad\n")
        let error = #expect(throws: SourceError.self) { try self.read("bad") }
        #expect(error?.entry == "Shares.csv" && error?.line == 3 && error?.field == "Date")
        try directory.write("quote/Comments.csv", "Date,Link,Message\n2025-07-01 14:33:22,l,\"never closed\n")
        let quote = #expect(throws: SourceError.self) { try self.read("quote") }
        #expect(quote?.description.contains("broken quote") == true)
        try directory.write("other/outbox.json", "{}")
        #expect(throws: SourceError.self) { try self.read("other") }
    }
}
