#include "store/TermIndex.h"

#include "common/Parallel.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <utility>

namespace cabas::store {

namespace {
// One word of one household, while the base is built. The words are sorted by their first eight UTF-16 units
// packed into an integer (each at most 255: the order stays that of the words), a radix sort, then the few
// that share those units and do not end there by the words themselves.
struct Entry
{
    quint64 key = 0;
    const QChar* data = nullptr;
    quint32 household = 0;    // its index in the sorted households
    quint32 sizeAndKinds = 0; // the word's size (bits 9 and up), exact (bit 8: `key` is the whole word, 8
                              // units at most, each from 1 to 254), kinds (bits 0 to 7)

    qsizetype size() const { return qsizetype(sizeAndKinds >> 9); }
    bool exact() const { return sizeAndKinds & 0x100; }
    quint8 kinds() const { return quint8(sizeAndKinds); }
};

// The longest word whose size the entry holds (longer words are cut there: names and codes are far shorter).
constexpr qsizetype kLongestWord = (qsizetype(1) << 23) - 1;

Entry entryOf(QStringView word, quint32 household, quint8 kinds)
{
    word.truncate(std::min(word.size(), kLongestWord));
    Entry e;
    e.data = word.data();
    e.household = household;
    bool exact = word.size() <= 8;
    for (qsizetype i = 0; i < 8; ++i) {
        quint64 unit = 0;
        if (i < word.size()) {
            unit = word[i].unicode();
            if (unit == 0 || unit >= 255) {
                exact = false;
                unit = std::min<quint64>(unit, 255);
            }
        }
        e.key = (e.key << 8) | unit;
    }
    e.sizeAndKinds = (quint32(word.size()) << 9) | (exact ? 0x100 : 0) | kinds;
    return e;
}

QStringView wordOf(const Entry& e)
{
    return QStringView(e.data, e.size());
}

bool sameWord(const Entry& a, const Entry& b)
{
    return a.key == b.key && ((a.exact() && b.exact()) || wordOf(a) == wordOf(b));
}

// Sorts `entries` (in the order of their households) by word, then household: a stable radix sort on the
// keys (a pass per byte of the key, skipped when every key has the same byte there), then the runs of equal
// keys that hold a word longer than its key sorted by word (stable: their households stay in order).
void sortEntries(std::vector<Entry>& entries)
{
    const std::size_t n = entries.size();
    std::array<std::array<std::size_t, 256>, 8> counts{};
    for (const Entry& e : entries)
        for (std::size_t byte = 0; byte < 8; ++byte)
            ++counts[byte][(e.key >> (8 * byte)) & 0xff];
    std::vector<Entry> other(n);
    for (std::size_t byte = 0; byte < 8; ++byte) {
        std::array<std::size_t, 256>& at = counts[byte];
        if (std::find(at.cbegin(), at.cend(), n) != at.cend())
            continue; // the same byte everywhere
        std::size_t sum = 0;
        for (std::size_t& c : at)
            sum += std::exchange(c, sum);
        for (const Entry& e : entries)
            other[at[(e.key >> (8 * byte)) & 0xff]++] = e;
        entries.swap(other);
    }
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i + 1;
        bool exact = entries[i].exact();
        for (; j < n && entries[j].key == entries[i].key; ++j)
            exact = exact && entries[j].exact();
        if (!exact)
            std::stable_sort(entries.begin() + std::ptrdiff_t(i), entries.begin() + std::ptrdiff_t(j),
                             [](const Entry& a, const Entry& b) { return wordOf(a) < wordOf(b); });
        i = j;
    }
}
// A household's words, each once with its kinds OR-ed, sorted.
std::vector<std::pair<QString, quint8>> termsOf(const TermIndex::Words& words)
{
    TermIndex::Words sorted = words;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first.compare(b.first) < 0; });
    std::vector<std::pair<QString, quint8>> terms;
    terms.reserve(sorted.size());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i > 0 && sorted[i].first == sorted[i - 1].first)
            terms.back().second |= sorted[i].second;
        else
            terms.emplace_back(sorted[i].first.toString(), sorted[i].second);
    }
    return terms;
}
} // namespace

void TermIndex::build(std::vector<qint64> households, const std::function<void(qint64, Words&)>& wordsOf,
                      int threads, int rowsPerThread)
{
    std::sort(households.begin(), households.end());
    households.erase(std::unique(households.begin(), households.end()), households.end());
    // Each part of the households (in worker threads when there are many) makes its words...
    std::mutex mutex;
    std::vector<std::pair<std::size_t, std::vector<Entry>>> parts;
    inParallel(households.size(), threads, rowsPerThread, [&](std::size_t from, std::size_t to) {
        std::vector<Entry> entries;
        entries.reserve((to - from) * 16);
        Words words;
        for (std::size_t i = from; i < to; ++i) {
            words.clear();
            wordsOf(households[i], words);
            for (const auto& [word, kinds] : words)
                entries.push_back(entryOf(word, quint32(i), kinds));
        }
        const std::lock_guard<std::mutex> lock(mutex);
        parts.emplace_back(from, std::move(entries));
    });
    // ... then they are put together (in the order of their households) and sorted...
    std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Entry> all;
    if (parts.size() == 1) {
        all = std::move(parts.front().second);
    } else {
        std::size_t size = 0;
        for (const auto& part : parts)
            size += part.second.size();
        all.reserve(size);
        for (auto& part : parts) {
            all.insert(all.end(), part.second.cbegin(), part.second.cend());
            std::vector<Entry>().swap(part.second);
        }
    }
    sortEntries(all);
    // ... and each term is written once, with its households.
    m_chars.clear();
    m_termAt.clear();
    m_postingAt.clear();
    m_postings.clear();
    m_added.clear();
    m_addedTerms.clear();
    m_postings.reserve(all.size());
    for (std::size_t i = 0; i < all.size();) {
        const Entry& term = all[i];
        m_termAt.push_back(quint32(m_chars.size()));
        m_chars.insert(m_chars.end(), term.data, term.data + term.size());
        m_postingAt.push_back(quint32(m_postings.size()));
        m_postings.push_back({households[term.household], term.kinds()});
        for (++i; i < all.size() && sameWord(all[i], term); ++i) {
            if (all[i].household == all[i - 1].household)
                m_postings.back().kinds |= all[i].kinds();
            else
                m_postings.push_back({households[all[i].household], all[i].kinds()});
        }
    }
    m_termAt.push_back(quint32(m_chars.size()));
    m_postingAt.push_back(quint32(m_postings.size()));
    m_chars.shrink_to_fit();
    m_postings.shrink_to_fit();
    m_baseHouseholds = households.size();
}

void TermIndex::set(qint64 household, const Words& words)
{
    auto terms = termsOf(words);
    const auto old = m_addedTerms.find(household);
    if (old != m_addedTerms.end())
        for (const auto& [term, kinds] : *old) {
            const auto t = m_added.find(term);
            if (t == m_added.end())
                continue;
            Postings& postings = t->second;
            const auto p = std::find_if(postings.begin(), postings.end(),
                                        [household](const Posting& q) { return q.household == household; });
            if (p != postings.end())
                postings.erase(p);
            if (postings.empty())
                m_added.erase(t);
        }
    for (const auto& [term, kinds] : terms) {
        Postings& postings = m_added[term];
        const auto p = std::lower_bound(postings.begin(), postings.end(), household,
                                        [](const Posting& q, qint64 h) { return q.household < h; });
        if (p != postings.end() && p->household == household)
            p->kinds = kinds;
        else
            postings.insert(p, {household, kinds});
    }
    m_addedTerms.insert(household, std::move(terms));
    if (std::size_t(m_addedTerms.size()) >= std::max(m_mergeAt, m_baseHouseholds / 8))
        merge();
}

void TermIndex::merge()
{
    std::vector<QChar> chars;
    std::vector<quint32> termAt;
    std::vector<quint32> postingAt;
    Postings postings;
    chars.reserve(m_chars.size() + m_added.size() * 8);
    termAt.reserve(m_termAt.size() + m_added.size());
    postingAt.reserve(m_postingAt.size() + m_added.size());
    postings.reserve(m_postings.size() + std::size_t(m_addedTerms.size()) * 16);
    const std::size_t n = baseTerms();
    std::size_t i = 0;
    auto added = m_added.cbegin();
    auto baseOf = [&](std::size_t term) {
        for (std::size_t p = m_postingAt[term]; p < m_postingAt[term + 1]; ++p)
            if (!stale(m_postings[p].household))
                postings.push_back(m_postings[p]);
    };
    while (i < n || added != m_added.cend()) {
        const std::size_t start = postings.size();
        QStringView term;
        if (added == m_added.cend() || (i < n && baseTerm(i) < QStringView(added->first))) {
            term = baseTerm(i);
            baseOf(i++);
        } else if (i == n || QStringView(added->first) < baseTerm(i)) {
            term = added->first;
            postings.insert(postings.end(), added->second.cbegin(), added->second.cend());
            ++added;
        } else {
            // In both: the households are others (those of `added` are stale in the base), each sorted.
            term = baseTerm(i);
            baseOf(i++);
            const auto middle = postings.insert(postings.end(), added->second.cbegin(), added->second.cend());
            std::inplace_merge(postings.begin() + std::ptrdiff_t(start), middle, postings.end(),
                               [](const Posting& a, const Posting& b) { return a.household < b.household; });
            ++added;
        }
        if (postings.size() == start)
            continue; // no household has it any more
        termAt.push_back(quint32(chars.size()));
        chars.insert(chars.end(), term.cbegin(), term.cend());
        postingAt.push_back(quint32(start));
    }
    termAt.push_back(quint32(chars.size()));
    postingAt.push_back(quint32(postings.size()));
    m_chars = std::move(chars);
    m_termAt = std::move(termAt);
    m_postingAt = std::move(postingAt);
    m_postings = std::move(postings);
    m_added.clear();
    m_addedTerms.clear();
}

void TermIndex::find(QStringView prefix, quint8 kinds, QSet<qint64>& found) const
{
    const std::size_t n = baseTerms();
    std::size_t from = 0, to = n;
    while (from < to) {
        const std::size_t middle = from + (to - from) / 2;
        if (baseTerm(middle) < prefix)
            from = middle + 1;
        else
            to = middle;
    }
    for (std::size_t i = from; i < n && baseTerm(i).startsWith(prefix); ++i)
        for (std::size_t p = m_postingAt[i]; p < m_postingAt[i + 1]; ++p)
            if ((m_postings[p].kinds & kinds) && !stale(m_postings[p].household))
                found.insert(m_postings[p].household);
    for (auto it = m_added.lower_bound(prefix);
         it != m_added.cend() && QStringView(it->first).startsWith(prefix); ++it)
        for (const Posting& p : it->second)
            if (p.kinds & kinds)
                found.insert(p.household);
}

bool TermIndex::empty() const
{
    return baseTerms() == 0 && m_added.empty();
}

QStringList TermIndex::describe() const
{
    std::map<QString, Postings, std::less<>> all;
    for (std::size_t i = 0; i < baseTerms(); ++i)
        for (std::size_t p = m_postingAt[i]; p < m_postingAt[i + 1]; ++p)
            if (!stale(m_postings[p].household))
                all[baseTerm(i).toString()].push_back(m_postings[p]);
    for (const auto& [term, postings] : m_added) {
        Postings& into = all[term];
        into.insert(into.end(), postings.cbegin(), postings.cend());
    }
    QStringList lines;
    for (auto& [term, postings] : all) {
        std::sort(postings.begin(), postings.end(),
                  [](const Posting& a, const Posting& b) { return a.household < b.household; });
        QStringList where;
        for (const Posting& p : postings)
            where << QStringLiteral("%1:%2").arg(p.household).arg(p.kinds);
        lines << QStringLiteral("term %1 %2").arg(term, where.join(QLatin1Char(' ')));
    }
    return lines;
}

} // namespace cabas::store
