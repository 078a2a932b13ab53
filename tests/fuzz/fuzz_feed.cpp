// The ledger feed's page parser (core/ledger/FeedParser.h): the body of a page from the operator's server,
// read as a page of entries and as a page of cards. Either a valid page or a FeedParseError, never a crash.
#include "FuzzSupport.h"

#include "common/Error.h"
#include "ledger/FeedParser.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    cabas::fuzz::ensureApplication();
    const QByteArray json = cabas::fuzz::bytes(data, size);
    try {
        const auto page = cabas::ledger::FeedParser::parseEntries(json);
        for (const auto& entry : page.entries)
            if (entry.id.isEmpty())
                std::abort(); // an accepted entry always has its id
    } catch (const cabas::Error&) {
    }
    try {
        const auto page = cabas::ledger::FeedParser::parseCards(json);
        for (const auto& card : page.cards)
            if (card.id.isEmpty())
                std::abort();
    } catch (const cabas::Error&) {
    }
    return 0;
}
