#pragma once

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace cabas::store {

// The terms of NameIndex: each term (a normalised word) leads to the households that have it, with the kinds
// it has there (bits: 1 the household's own words, 2 its members'), for prefix lookups. Not thread-safe (the
// NameIndex's mutex guards it).
//
// A build makes one sorted base: every term in one contiguous buffer, their postings (households, sorted)
// in one array, found by binary search; no allocation per term (at 100,000 households: 350,000 terms, most
// of them household and person code numbers). A household written after that is set() again: its base
// postings are masked (the household is "stale") and its terms go to a small sorted map beside the base,
// merged into a new base once it holds more than a fraction of the base's households.
class TermIndex
{
  public:
    // A household's words, each with its kind; a word may come several times (its kinds are OR-ed). The
    // views must stay valid until the build() or set() they are given to returns.
    using Words = std::vector<std::pair<QStringView, quint8>>;

    // Replaces everything by the terms of `households` (distinct): wordsOf(household, words) fills `words`
    // (empty when called), possibly in up to `threads` threads at once (see inParallel).
    void build(std::vector<qint64> households, const std::function<void(qint64, Words&)>& wordsOf,
               int threads, int rowsPerThread);
    // Replaces the terms of `household` (none: the household is found by no term).
    void set(qint64 household, const Words& words);
    // Adds to `found` the households with a term that starts with `prefix` of one of `kinds`.
    void find(QStringView prefix, quint8 kinds, QSet<qint64>& found) const;
    bool empty() const;
    // One line per term: "term TERM household:kinds..." (households sorted), in no particular order.
    QStringList describe() const;

    // The households set() since the base was built that make it merge the added terms into a new base (at
    // least this many, and an eighth of the base's households). Tests.
    void setMergeAt(std::size_t households) { m_mergeAt = households; }
    // Terms in the base and in the added map (tests).
    std::size_t baseTerms() const { return m_termAt.empty() ? 0 : m_termAt.size() - 1; }
    std::size_t addedTerms() const { return m_added.size(); }

  private:
    struct Posting
    {
        qint64 household = 0;
        quint8 kinds = 0;
    };
    using Postings = std::vector<Posting>;

    QStringView baseTerm(std::size_t i) const
    {
        return QStringView(m_chars.data() + m_termAt[i], qsizetype(m_termAt[i + 1] - m_termAt[i]));
    }
    // Whether the base postings of `household` no longer count (it was set() since the build).
    bool stale(qint64 household) const { return !m_addedTerms.isEmpty() && m_addedTerms.contains(household); }
    void merge();

    // The base: term i is m_chars[m_termAt[i], m_termAt[i + 1]), its postings
    // m_postings[m_postingAt[i], m_postingAt[i + 1]).
    std::vector<QChar> m_chars;
    std::vector<quint32> m_termAt;
    std::vector<quint32> m_postingAt;
    Postings m_postings;
    std::size_t m_baseHouseholds = 0; // at the last build()
    // The terms of the households set() since the base was built (their base postings no longer count), and
    // those households' terms.
    std::map<QString, Postings, std::less<>> m_added;
    QHash<qint64, std::vector<std::pair<QString, quint8>>> m_addedTerms;
    std::size_t m_mergeAt = 64;
};

} // namespace cabas::store
