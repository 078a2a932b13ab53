#include "store/TermIndex.h"

#include <catch2/catch.hpp>

#include <QRandomGenerator>
#include <map>

using namespace cabas;

namespace {
// What the index must hold, by its definition: each household's words and their kinds.
using Model = std::map<qint64, std::vector<std::pair<QString, quint8>>>;

store::TermIndex::Words viewsOf(const std::vector<std::pair<QString, quint8>>& words)
{
    store::TermIndex::Words views;
    for (const auto& [word, kinds] : words)
        views.emplace_back(word, kinds);
    return views;
}

store::TermIndex built(const Model& model, int threads = 1, int rowsPerThread = 4000)
{
    std::vector<qint64> households;
    for (const auto& entry : model)
        households.push_back(entry.first);
    store::TermIndex index;
    index.build(
        households,
        [&model](qint64 household, store::TermIndex::Words& words) { words = viewsOf(model.at(household)); },
        threads, rowsPerThread);
    return index;
}

std::vector<qint64> found(const store::TermIndex& index, const QString& prefix, quint8 kinds = 3)
{
    QSet<qint64> set;
    index.find(prefix, kinds, set);
    std::vector<qint64> ids(set.cbegin(), set.cend());
    std::sort(ids.begin(), ids.end());
    return ids;
}

// The households with a word that starts with `prefix` of one of `kinds`, by the definition.
std::vector<qint64> expected(const Model& model, const QString& prefix, quint8 kinds = 3)
{
    std::vector<qint64> ids;
    for (const auto& [household, words] : model)
        if (std::any_of(words.cbegin(), words.cend(),
                        [&](const auto& w) { return (w.second & kinds) && w.first.startsWith(prefix); }))
            ids.push_back(household);
    return ids;
}

// Words that sort close to each other: sharing their first eight units or not, shorter and longer than eight,
// units above 254 (the build's sort key stops at 255), digits as in codes.
const QStringList vocabulary = {
    QStringLiteral("a"),
    QStringLiteral("ab"),
    QStringLiteral("abc"),
    QStringLiteral("abcdefgh"),
    QStringLiteral("abcdefghi"),
    QStringLiteral("abcdefghij"),
    QStringLiteral("abcdefgha"),
    QStringLiteral("abcdefgz"),
    QStringLiteral("martin"),
    QStringLiteral("martine"),
    QStringLiteral("marti"),
    QStringLiteral("mmg"),
    QStringLiteral("p"),
    QStringLiteral("00012"),
    QStringLiteral("000123"),
    QStringLiteral("0001234"),
    QStringLiteral("00013"),
    QStringLiteral("z"),
    QStringLiteral("\u0153uvre"),
    QStringLiteral("\u0153u"),
    QStringLiteral("\u00ffa"),
    QStringLiteral("\u00ff"),
    QStringLiteral("\u0100b"),
    QStringLiteral("ab\u0153cdefgh"),
    QStringLiteral("ab\u0153"),
    QStringLiteral("abcdefg\u0153"),
    QStringLiteral("abcdefg\u0153x"),
};

std::vector<std::pair<QString, quint8>> randomWords(QRandomGenerator& random)
{
    std::vector<std::pair<QString, quint8>> words;
    const int n = int(random.bounded(6));
    for (int i = 0; i < n; ++i)
        words.emplace_back(vocabulary[int(random.bounded(int(vocabulary.size())))],
                           quint8(1 + random.bounded(2)));
    return words;
}

// Every prefix of every word of the vocabulary, and a few that no word has.
QStringList prefixes()
{
    QStringList all = {QStringLiteral("b"), QStringLiteral("abd"), QStringLiteral("\u0154"),
                       QStringLiteral("00014")};
    for (const QString& word : vocabulary)
        for (int n = 1; n <= word.size(); ++n)
            all << word.left(n);
    all.removeDuplicates();
    return all;
}

void checkSame(const store::TermIndex& index, const Model& model)
{
    for (const QString& prefix : prefixes()) {
        INFO(prefix.toStdString());
        CHECK(found(index, prefix) == expected(model, prefix));
        CHECK(found(index, prefix, 1) == expected(model, prefix, 1));
        CHECK(found(index, prefix, 2) == expected(model, prefix, 2));
    }
    QStringList described = index.describe();
    described.sort();
    QStringList fresh = built(model).describe();
    fresh.sort();
    CHECK(described == fresh);
}
} // namespace

TEST_CASE("term index: prefixes across the base and the added terms find what a fresh build finds",
          "[store][nameindex][termindex]")
{
    QRandomGenerator random(20261206);
    Model model;
    for (qint64 h = 1; h <= 300; ++h)
        model[h * 3] = randomWords(random);
    const int threads = GENERATE(1, 3);
    store::TermIndex index = built(model, threads, 40);
    CHECK(index.baseTerms() > 20);
    CHECK(index.addedTerms() == 0);
    checkSame(index, model);

    // Households changed, emptied and new, in several rounds: with merges into the base (every 16 households
    // set) and without (the added terms only).
    const std::size_t mergeAt = GENERATE(std::size_t(16), std::size_t(100000));
    index.setMergeAt(mergeAt);
    bool added = false;
    for (int round = 0; round < 6; ++round) {
        for (int i = 0; i < 10; ++i) {
            const qint64 h = 3 * qint64(1 + random.bounded(320)) + (i == 0 ? 1 : 0);
            model[h] = i == 1 ? std::vector<std::pair<QString, quint8>>{} : randomWords(random);
            index.set(h, viewsOf(model[h]));
        }
        added = added || index.addedTerms() > 0;
        checkSame(index, model);
    }
    CHECK(added);
}

TEST_CASE("term index: a household set again leaves the base terms it lost, and keeps one posting per term",
          "[store][nameindex][termindex]")
{
    Model model;
    model[1] = {{QStringLiteral("martin"), 2}, {QStringLiteral("mmg"), 1}, {QStringLiteral("martin"), 1}};
    model[2] = {{QStringLiteral("martine"), 2}, {QStringLiteral("mmg"), 1}};
    model[5] = {{QStringLiteral("abcdefghij"), 2}};
    store::TermIndex index = built(model);
    CHECK(index.baseTerms() == 4);
    QStringList lines = index.describe();
    lines.sort();
    CHECK(lines == QStringList{QStringLiteral("term abcdefghij 5:2"), QStringLiteral("term martin 1:3"),
                               QStringLiteral("term martine 2:2"), QStringLiteral("term mmg 1:1 2:1")});
    CHECK(found(index, QStringLiteral("mart")) == std::vector<qint64>{1, 2});
    CHECK(found(index, QStringLiteral("martin"), 1) == std::vector<qint64>{1});

    // Household 1 loses "martin" (to the added terms: "mart" must still find it there, and not in the base).
    model[1] = {{QStringLiteral("marsan"), 2}, {QStringLiteral("mmg"), 1}};
    index.set(1, viewsOf(model[1]));
    CHECK(found(index, QStringLiteral("martin")) == std::vector<qint64>{2});
    CHECK(found(index, QStringLiteral("mar")) == std::vector<qint64>{1, 2});
    CHECK(found(index, QStringLiteral("mmg")) == std::vector<qint64>{1, 2});
    // A new household with a word of the base, then set again without it.
    model[3] = {{QStringLiteral("abcdefghi"), 1}};
    index.set(3, viewsOf(model[3]));
    CHECK(found(index, QStringLiteral("abcdefgh")) == std::vector<qint64>{3, 5});
    model[3] = {};
    index.set(3, {});
    CHECK(found(index, QStringLiteral("abcdefgh")) == std::vector<qint64>{5});
    checkSame(index, model);
    CHECK(index.addedTerms() == 2); // marsan, mmg
    CHECK(!index.empty());

    // Merged: the base has the same terms as a fresh build, nothing added.
    index.setMergeAt(1);
    model[5] = {};
    index.set(5, {});
    CHECK(index.addedTerms() == 0);
    CHECK(index.baseTerms() == 3); // marsan, martine, mmg
    checkSame(index, model);
}

TEST_CASE("term index: an empty build finds nothing, and takes households set afterwards",
          "[store][nameindex][termindex]")
{
    store::TermIndex index = built({});
    CHECK(index.empty());
    CHECK(found(index, QStringLiteral("a")).empty());
    Model model;
    model[7] = {{QStringLiteral("auch"), 1}};
    index.set(7, viewsOf(model[7]));
    CHECK(!index.empty());
    CHECK(found(index, QStringLiteral("au")) == std::vector<qint64>{7});
    checkSame(index, model);
}
