import Foundation
import PersonaModel
import Testing
@testable import PersonaSources
import PersonaUtilities

@Suite struct DateParsingTests {
    @Test func formats() {
        let reference = Date(timeIntervalSince1970: 1_772_802_125) // 2026-03-06T13:02:05Z
        #expect(DateParsing.twitter("Fri Mar 06 13:02:05 +0000 2026") == reference)
        #expect(DateParsing.twitter("Fri Mar 06 14:02:05 +0100 2026") == reference)
        #expect(DateParsing.rfc822("Fri, 06 Mar 2026 13:02:05 GMT") == reference)
        #expect(DateParsing.rfc822("6 Mar 2026 08:02:05 EST") == reference)
        #expect(DateParsing.iso8601("2026-03-06T13:02:05Z") == reference)
        #expect(DateParsing.iso8601("2026-03-06T15:02:05+02:00") == reference)
        #expect(DateParsing.iso8601("2026-03-06T13:02:05.000Z") == reference)
        #expect(DateParsing.iso8601("2026-03-06") == Date(timeIntervalSince1970: 1_772_755_200))
        #expect(DateParsing.iso8601("1999-12-31T23:59:59Z") == Date(timeIntervalSince1970: 946_684_799))
        #expect(DateParsing.iso8601("2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-03-06T25:00:00Z", "Fri Mar 06 2026"] {
            #expect(DateParsing.iso8601(bad) == nil && DateParsing.twitter(bad) == nil, "\(bad)")
        }
    }

    @Test func feedDatesInEveryFormFeedsUse() {
        let reference = Date(timeIntervalSince1970: 1_772_802_125) // 2026-03-06T13:02:05Z
        let minute = Date(timeIntervalSince1970: 1_772_802_120)
        for text in ["Fri, 06 Mar 2026 13:02:05 GMT", "Fri, 6 Mar 2026 13:02:05 +0000", " Fri,  06 Mar 2026 14:02:05 +0100\n",
                     "06 Mar 2026 08:02:05 EST", "6 Mar 26 13:02:05 Z", "Fri, 06 Mar 2026 13:02:05 UT", "2026-03-06T13:02:05Z",
                     "2026-03-06 15:02:05+02:00", "2026-03-06T15:02:05 +02:00", "20260306T130205Z", "Fri Mar  6 13:02:05 2026"] {
            #expect(DateParsing.feed(text) == reference, "\(text)")
        }
        #expect(DateParsing.feed("Fri, 06 Mar 2026 13:02 GMT") == minute)
        #expect(DateParsing.feed("2026-03-06T13:02Z") == minute)
        #expect(DateParsing.feed("2026-03-06T14:02+01:00") == minute)
        #expect(DateParsing.feed("2026-03") == DateParsing.iso8601("2026-03-01"))
        #expect(DateParsing.feed("2026") == DateParsing.iso8601("2026-01-01"))
        #expect(DateParsing.feed("20260306") == DateParsing.iso8601("2026-03-06"))
        #expect(DateParsing.feed("Fri, 06 Mar 2026") == DateParsing.iso8601("2026-03-06"))
        for bad in ["", "  ", "the day before yesterday", "Fri, 06 Foo 2026 13:02:05 GMT", "2026-13-01T00:00:00Z", "06/03/2026"] {
            #expect(DateParsing.feed(bad) == nil, "\(bad)")
        }
    }
}
