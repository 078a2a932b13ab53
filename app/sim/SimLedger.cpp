#include "sim/SimLedger.h"

#include "common/Clock.h"
#include "domain/Allowance.h"
#include "store/HouseholdRepository.h"
#include "store/IncomeRepository.h"
#include "store/ProgrammeRepository.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QThread>
#include <algorithm>
#include <cmath>

namespace cabas::sim {

namespace {

struct Merchant
{
    FeedMerchant merchant;
    int weight; // relative share of purchases
    int minCents;
    int maxCents;
};

// A realistic merchant mix of the Gers: supermarkets take most of the spending, the sustainable shops the
// rest (the programme's bonus is what moves spending towards them).
const std::vector<Merchant>& merchants()
{
    static const std::vector<Merchant> list = {
        {{QStringLiteral("M-01"), QStringLiteral("Biocoop Auch"), QStringLiteral("organic_shop"), true},
         10,
         800,
         4500},
        {{QStringLiteral("M-02"), QStringLiteral("Marché d'Auch (samedi)"), QStringLiteral("market"), true},
         9,
         500,
         2500},
        {{QStringLiteral("M-03"), QStringLiteral("Ferme de Lartigue, Pavie"), QStringLiteral("farm_shop"),
          true},
         5,
         600,
         3000},
        {{QStringLiteral("M-04"), QStringLiteral("Drive fermier du Gers"), QStringLiteral("local_producer"),
          true},
         4,
         1000,
         4000},
        {{QStringLiteral("M-05"), QStringLiteral("Marché de Condom"), QStringLiteral("market"), true},
         3,
         500,
         2200},
        {{QStringLiteral("M-06"), QStringLiteral("Chèvrerie d'Embats"), QStringLiteral("farm_shop"), true},
         2,
         400,
         1800},
        {{QStringLiteral("M-07"), QStringLiteral("Biocoop Fleurance"), QStringLiteral("organic_shop"), true},
         3,
         800,
         4000},
        {{QStringLiteral("M-10"), QStringLiteral("E.Leclerc Auch"), QStringLiteral("supermarket"), false},
         20,
         1500,
         6500},
        {{QStringLiteral("M-11"), QStringLiteral("Carrefour Market Auch"), QStringLiteral("supermarket"),
          false},
         12,
         1000,
         5500},
        {{QStringLiteral("M-12"), QStringLiteral("Intermarché Fleurance"), QStringLiteral("supermarket"),
          false},
         9,
         1000,
         5000},
        {{QStringLiteral("M-13"), QStringLiteral("Lidl Auch"), QStringLiteral("supermarket"), false},
         10,
         800,
         4500},
        {{QStringLiteral("M-14"), QStringLiteral("Épicerie du Garros"), QStringLiteral("grocery"), false},
         5,
         300,
         1500},
        {{QStringLiteral("M-15"), QStringLiteral("Boulangerie de la Treille"), QStringLiteral("other"),
          false},
         3,
         200,
         900},
    };
    return list;
}

class Random
{
  public:
    explicit Random(quint64 seed) : m_engine(seed) {}
    int between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_engine); }
    double unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(m_engine); }
    bool chance(double p) { return unit() < p; }
    const Merchant& merchant()
    {
        int total = 0;
        for (const auto& m : merchants())
            total += m.weight;
        int pick = between(0, total - 1);
        for (const auto& m : merchants()) {
            if (pick < m.weight)
                return m;
            pick -= m.weight;
        }
        return merchants().back();
    }

  private:
    std::mt19937_64 m_engine;
};

quint64 mix(quint64 seed, const QString& text)
{
    quint64 h = seed ^ 0x9E3779B97F4A7C15ull;
    for (const QChar c : text)
        h = (h ^ c.unicode()) * 0x100000001B3ull;
    return h;
}

struct Change
{
    QDateTime recordedAt;
    qint64 order = 0;
    LedgerEntry entry;
};

class Generator
{
  public:
    explicit Generator(const SimInput& input)
        : m_input(input), m_untilEnd(QDateTime(input.until, QTime(23, 59, 59), Clock::programmeZone()))
    {
    }

    // Everything of a household's months is generated whatever `until` is (each month has its own random
    // stream, each entry an id made of its household, month and slot), and only what was recorded by the end
    // of `until` is kept: a ledger generated a day later is the same ledger continued, with the same ids, and
    // its changes start with the earlier ledger's changes (the cursors of a restarted sim stay valid).
    void household(const SimHousehold& h)
    {
        if (h.cards.empty() || !h.enrolledOn.isValid())
            return;
        const QString account = Random(mix(m_input.seed, h.code)).chance(0.85) ? h.code : QString();
        std::vector<FeedCard> cards = h.cards;
        std::sort(cards.begin(), cards.end(),
                  [](const FeedCard& a, const FeedCard& b) { return a.issuedOn < b.issuedOn; });
        std::size_t active = 0;
        qint64 balance = 0; // posted and pending purchases of the household, across its cards
        const Programme& p = m_input.programme;
        QDate start = std::max(h.enrolledOn, p.startsOn);
        QDate month(start.year(), start.month(), 1);
        const auto inProgramme = [&](const QDate& day) {
            return (h.exitedOn.isNull() || day <= h.exitedOn) && (p.endsOn.isNull() || day <= p.endsOn);
        };
        // Re-issued cards: the balance moves to the new card with a transfer pair.
        const auto reissueUpTo = [&](const QDate& day) {
            while (active + 1 < cards.size() && cards[active + 1].issuedOn <= day) {
                const FeedCard& from = cards[active];
                const FeedCard& to = cards[active + 1];
                const QDateTime at(to.issuedOn, QTime(10, 15), Clock::programmeZone());
                if (balance > 0) {
                    const QString base = QStringLiteral("e-%1-T%2").arg(h.code).arg(active + 1);
                    LedgerEntry out = entry(base + QStringLiteral("o"), from.id, account,
                                            QStringLiteral("transfer"), -balance, at);
                    LedgerEntry in = entry(base + QStringLiteral("i"), to.id, account,
                                           QStringLiteral("transfer"), balance, at);
                    out.refersTo = in.id;
                    in.refersTo = out.id;
                    add(at, out);
                    add(at, in);
                }
                ++active;
            }
        };
        for (; month <= m_input.until && inProgramme(month); month = month.addMonths(1)) {
            Random rnd(mix(m_input.seed, h.code + month.toString(QStringLiteral("yyyyMM"))));
            const QString base =
                QStringLiteral("e-%1-%2-").arg(h.code, month.toString(QStringLiteral("yyyyMM")));
            reissueUpTo(month);
            const AllowanceBreakdown allowance =
                monthlyAllowance(p, h.members, month, assessmentOn(h.incomes, std::max(month, start)));
            // The first month prorated from the enrolment day when the programme says so.
            const qint64 credit = p.prorateFirstMonth && start > month
                                      ? proratedCents(allowance.totalCents, start)
                                      : allowance.totalCents;
            if (credit > 0) {
                const QDateTime at(month, QTime(2, 0), Clock::programmeZone());
                add(at, entry(base + QStringLiteral("A"), cards[active].id, account,
                              QStringLiteral("allowance"), credit, at));
                balance += credit;
            }
            qint64 budget = qint64(double(balance) * (0.6 + 0.35 * rnd.unit()));
            std::vector<QDateTime> times;
            const int purchases = rnd.between(3, 9);
            for (int i = 0; i < purchases; ++i)
                times.emplace_back(QDate(month.year(), month.month(), rnd.between(1, month.daysInMonth())),
                                   QTime(rnd.between(8, 19), rnd.between(0, 59)), Clock::programmeZone());
            std::sort(times.begin(), times.end());
            std::map<std::size_t, qint64> bonusThisMonth; // per bonus rule: its cap is a month's, per rule
            int slot = 0;
            for (const QDateTime& at : times) {
                if (!inProgramme(at.date()))
                    break;
                reissueUpTo(at.date());
                const Merchant& m = rnd.merchant();
                const qint64 amount = std::min<qint64>(rnd.between(m.minCents, m.maxCents), budget);
                if (amount < 100)
                    break;
                budget -= amount;
                balance -= amount;
                purchase(rnd, base + QStringLiteral("P%1").arg(++slot, 2, 10, QLatin1Char('0')),
                         cards[active].id, account, m.merchant, amount, at, bonusThisMonth, balance);
            }
            if (rnd.chance(0.02)) {
                const QDateTime at(QDate(month.year(), month.month(), rnd.between(1, month.daysInMonth())),
                                   QTime(11, 0), Clock::programmeZone());
                const qint64 amount = (rnd.chance(0.5) ? 1 : -1) * rnd.between(100, 500);
                if (inProgramme(at.date())) {
                    add(at, entry(base + QStringLiteral("J"), cards[active].id, account,
                                  QStringLiteral("adjustment"), amount, at));
                    balance += amount;
                }
            }
            if (rnd.chance(0.01)) {
                // A kind this version of the contract does not know: kept, counted nowhere.
                const QDateTime at(QDate(month.year(), month.month(), 15), QTime(12, 0),
                                   Clock::programmeZone());
                const int amount = rnd.between(100, 300);
                if (inProgramme(at.date()))
                    add(at, entry(base + QStringLiteral("X"), cards[active].id, account,
                                  QStringLiteral("cashback"), amount, at));
            }
        }
        reissueUpTo(m_input.until);
    }

    void finish(std::vector<FeedCard>& cardsOut, std::vector<LedgerEntry>& changesOut)
    {
        std::sort(m_changes.begin(), m_changes.end(), [](const Change& a, const Change& b) {
            return a.recordedAt != b.recordedAt ? a.recordedAt < b.recordedAt : a.order < b.order;
        });
        changesOut.clear();
        changesOut.reserve(m_changes.size());
        for (const Change& c : m_changes)
            if (c.recordedAt <= m_untilEnd)
                changesOut.push_back(c.entry);
        cardsOut.clear();
        for (const SimHousehold& h : m_input.households)
            for (const FeedCard& c : h.cards)
                if (c.issuedOn <= m_input.until)
                    cardsOut.push_back(c);
        std::stable_sort(cardsOut.begin(), cardsOut.end(),
                         [](const FeedCard& a, const FeedCard& b) { return a.issuedOn < b.issuedOn; });
    }

  private:
    LedgerEntry entry(const QString& id, const QString& card, const QString& account, const QString& kind,
                      qint64 amount, const QDateTime& at)
    {
        LedgerEntry e;
        e.id = id;
        e.revision = 1;
        e.card = card;
        e.account = account;
        e.kind = kind;
        e.status = QStringLiteral("posted");
        e.amountCents = amount;
        e.currency = m_input.programme.currency;
        e.occurredAt = at;
        return e;
    }

    // A new revision of `e` recorded at `at`.
    void revise(LedgerEntry& e, const QString& status, const QDateTime& at)
    {
        ++e.revision;
        e.status = status;
        add(at, e);
    }

    void add(const QDateTime& recordedAt, const LedgerEntry& e)
    {
        m_changes.push_back(Change{recordedAt, qint64(m_changes.size()), e});
    }

    // A purchase, pending then posted (or declined), with its bonus, and now and then a void or a refund.
    void purchase(Random& rnd, const QString& id, const QString& card, const QString& account,
                  const FeedMerchant& merchant, qint64 amount, const QDateTime& at,
                  std::map<std::size_t, qint64>& bonusThisMonth, qint64& balance)
    {
        LedgerEntry e = entry(id, card, account, QStringLiteral("purchase"), -amount, at);
        e.merchant = merchant;
        e.status = QStringLiteral("pending");
        add(at, e);
        if (rnd.chance(0.04)) { // declined at settlement
            revise(e, QStringLiteral("voided"), at.addSecs(6 * 3600));
            balance += amount;
            return;
        }
        const QDateTime postedAt =
            at.addDays(rnd.between(1, 3)).addSecs(-at.time().msecsSinceStartOfDay() / 1000 + 4 * 3600);
        revise(e, QStringLiteral("posted"), postedAt);
        std::optional<LedgerEntry> bonus;
        std::size_t bonusRule = 0;
        if (merchant.sustainable) {
            for (std::size_t r = 0; r < m_input.programme.bonusRules.size(); ++r) {
                const BonusRule& rule = m_input.programme.bonusRules[r];
                if (!rule.appliesOn(Clock::localDate(at)))
                    continue;
                qint64 b = amount * rule.rateBasisPoints / 10000;
                if (rule.monthlyCapCents)
                    b = std::min(b, *rule.monthlyCapCents - bonusThisMonth[r]);
                if (b > 0) {
                    LedgerEntry be = entry(id + QStringLiteral("B"), card, account, QStringLiteral("bonus"),
                                           b, postedAt.addSecs(60));
                    be.refersTo = e.id;
                    add(postedAt.addSecs(60), be);
                    bonusThisMonth[r] += b;
                    balance += b;
                    bonus = be;
                    bonusRule = r;
                }
                break;
            }
        }
        const bool voidLater = rnd.chance(0.015);
        const bool refund = rnd.chance(0.04);
        const int refundDays = rnd.between(1, 5);
        const int refundShare = rnd.between(20, 100);
        if (voidLater) { // posted, then voided by the operator
            const QDateTime voidedAt = postedAt.addDays(2);
            revise(e, QStringLiteral("voided"), voidedAt);
            balance += amount;
            if (bonus) {
                revise(*bonus, QStringLiteral("voided"), voidedAt.addSecs(1));
                balance -= bonus->amountCents;
                // A voided bonus gives its share of the month's cap back: the cap bounds the bonuses the
                // household keeps (as the reconciliation's bonus check counts them), not those taken back.
                // (Whatever `until` is, so that a ledger generated later continues this one: in the last two
                // days, a bonus whose void is not recorded yet may still count beside a later one.)
                bonusThisMonth[bonusRule] -= bonus->amountCents;
            }
            return;
        }
        if (refund) { // a partial refund a few days later
            const QDateTime refundAt = postedAt.addDays(refundDays).addSecs(3 * 3600);
            const qint64 back = std::max<qint64>(100, amount * refundShare / 100);
            LedgerEntry r = entry(id + QStringLiteral("R"), card, account, QStringLiteral("refund"),
                                  std::min(back, amount), refundAt);
            r.merchant = merchant;
            r.refersTo = e.id;
            add(refundAt, r);
            balance += r.amountCents;
        }
    }

    const SimInput& m_input;
    QDateTime m_untilEnd;
    std::vector<Change> m_changes;
};

} // namespace

SimInput SimInput::fromDatabase(const store::Database& db, const QDate& until, quint64 seed,
                                const security::KeyRing* keys)
{
    SimInput input;
    input.until = until;
    input.seed = seed;
    const auto programme = store::ProgrammeRepository(db).load();
    if (programme)
        input.programme = *programme;
    store::PersonRepository persons(db, keys);
    store::CardRepository cardRepo(db, keys);
    const store::IncomeRepository incomes(db, keys);
    for (const Household& h : store::HouseholdRepository(db, keys).list()) {
        if (!h.enrolledOn.isValid())
            continue;
        SimHousehold s;
        s.code = h.code;
        s.enrolledOn = h.enrolledOn;
        s.exitedOn = h.exitedOn;
        s.members = persons.forHousehold(h.id);
        s.incomes = incomes.forHousehold(h.id);
        const std::vector<Card> cards = cardRepo.forHousehold(h.id);
        std::map<qint64, QString> tokens;
        for (const Card& c : cards)
            tokens[c.id] = c.token;
        for (const Card& c : cards) {
            FeedCard f;
            f.id = c.token;
            f.account = h.code;
            f.status = toCode(c.status);
            f.issuedOn = c.issuedOn.isValid() ? c.issuedOn : h.enrolledOn;
            f.replaces = c.replacesCardId ? tokens[c.replacesCardId] : QString();
            s.cards.push_back(f);
        }
        input.households.push_back(std::move(s));
    }
    return input;
}

SimInput SimInput::standalone(int households, const QDate& until, quint64 seed)
{
    SimInput input;
    input.until = until;
    input.seed = seed;
    const QDate start = QDate(until.year(), until.month(), 1).addMonths(-12);
    input.programme = Programme::defaults(start);
    input.programme.name = QStringLiteral("Programme simulé");
    BonusRule bonus;
    bonus.label = QStringLiteral("50 % sur les achats durables");
    bonus.rateBasisPoints = 5000;
    bonus.monthlyCapCents = 2000;
    bonus.validFrom = start;
    bonus.validTo = start.addMonths(8).addDays(-1);
    input.programme.bonusRules = {bonus};
    Random rnd(seed);
    int card = 0;
    for (int i = 1; i <= households; ++i) {
        SimHousehold h;
        h.code = QStringLiteral("MMG-%1").arg(i, 4, 10, QLatin1Char('0'));
        h.enrolledOn = start.addDays(rnd.between(0, 60));
        const int adults = rnd.between(1, 2);
        const int children = rnd.between(0, 3);
        for (int k = 0; k < adults + children; ++k) {
            Person p;
            p.code = QStringLiteral("P-%1-%2").arg(i).arg(k + 1);
            p.role = k < adults ? PersonRole::Adult : PersonRole::Child;
            p.birthDate = k < adults ? QDate(rnd.between(1958, 2000), rnd.between(1, 12), rnd.between(1, 28))
                                     : QDate(rnd.between(2009, 2022), rnd.between(1, 12), rnd.between(1, 28));
            h.members.push_back(p);
        }
        FeedCard first;
        first.id = QStringLiteral("C-%1").arg(++card, 5, 10, QLatin1Char('0'));
        first.account = h.code;
        first.status = QStringLiteral("active");
        first.issuedOn = h.enrolledOn;
        h.cards.push_back(first);
        const int span = int(h.enrolledOn.daysTo(until));
        if (span > 60 && (i == 1 || rnd.chance(0.06))) { // lost and re-issued
            h.cards.front().status = QStringLiteral("lost");
            FeedCard next;
            next.id = QStringLiteral("C-%1").arg(++card, 5, 10, QLatin1Char('0'));
            next.account = h.code;
            next.status = QStringLiteral("active");
            next.issuedOn = h.enrolledOn.addDays(rnd.between(30, span - 10));
            next.replaces = first.id;
            h.cards.push_back(next);
        }
        input.households.push_back(std::move(h));
    }
    return input;
}

SimLedger SimLedger::generate(const SimInput& input)
{
    Generator g(input);
    for (const SimHousehold& h : input.households)
        g.household(h);
    SimLedger ledger;
    g.finish(ledger.m_cards, ledger.m_changes);
    return ledger;
}

std::map<QString, LedgerEntry> SimLedger::finalState() const
{
    std::map<QString, LedgerEntry> state;
    for (const LedgerEntry& e : m_changes) {
        auto [it, inserted] = state.emplace(e.id, e);
        if (!inserted && e.revision > it->second.revision)
            it->second = e;
    }
    return state;
}

QJsonObject SimLedger::toJson(const LedgerEntry& e)
{
    const auto nullable = [](const QString& s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    QJsonObject o{{QStringLiteral("id"), e.id},
                  {QStringLiteral("revision"), double(e.revision)},
                  {QStringLiteral("card"), e.card},
                  {QStringLiteral("account"), nullable(e.account)},
                  {QStringLiteral("kind"), e.kind},
                  {QStringLiteral("status"), e.status},
                  {QStringLiteral("amount_cents"), double(e.amountCents)},
                  {QStringLiteral("currency"), e.currency},
                  {QStringLiteral("occurred_at"), e.occurredAt.toString(Qt::ISODate)},
                  {QStringLiteral("refers_to"), nullable(e.refersTo)}};
    if (e.merchant)
        o.insert(QStringLiteral("merchant"),
                 QJsonObject{{QStringLiteral("id"), e.merchant->id},
                             {QStringLiteral("name"), e.merchant->name},
                             {QStringLiteral("category"), e.merchant->category},
                             {QStringLiteral("sustainable"), e.merchant->sustainable}});
    else
        o.insert(QStringLiteral("merchant"), QJsonValue());
    return o;
}

QJsonObject SimLedger::toJson(const FeedCard& c)
{
    const auto nullable = [](const QString& s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    return QJsonObject{{QStringLiteral("id"), c.id},
                       {QStringLiteral("account"), nullable(c.account)},
                       {QStringLiteral("status"), c.status},
                       {QStringLiteral("issued_on"), c.issuedOn.toString(Qt::ISODate)},
                       {QStringLiteral("replaces"), nullable(c.replaces)}};
}

// ---- the feed ----

SimFeed::SimFeed(SimLedger ledger, QString token, SimFaults faults, quint64 seed)
    : m_ledger(std::move(ledger)), m_token(std::move(token)), m_faults(faults), m_random(seed),
      m_nowMs([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

SimFaults SimFeed::faults() const
{
    std::lock_guard lock(m_mutex);
    return m_faults;
}

void SimFeed::setFaults(const SimFaults& faults)
{
    std::lock_guard lock(m_mutex);
    m_faults = faults;
}

qint64 SimFeed::requests() const
{
    std::lock_guard lock(m_mutex);
    return m_requests;
}

SimResponse SimFeed::error(int status, const QString& code, const QString& message) const
{
    SimResponse r;
    r.status = status;
    r.body = QJsonDocument(
                 QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                                   {QStringLiteral("message"), message}}}})
                 .toJson(QJsonDocument::Compact);
    return r;
}

// "c1.<issued ms>.<position>", base64url: opaque enough that clients do not build their own.
QString SimFeed::cursorFor(qint64 position) const
{
    return QString::fromLatin1(QStringLiteral("c1.%1.%2")
                                   .arg(m_nowMs())
                                   .arg(position)
                                   .toLatin1()
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

SimResponse SimFeed::handle(const QString& method, const QString& path, const QMap<QString, QString>& query,
                            const QString& authorization)
{
    SimFaults faults;
    double roll429 = 1, roll5xx = 1, rollCut = 1;
    {
        std::lock_guard lock(m_mutex);
        ++m_requests;
        faults = m_faults;
        std::uniform_real_distribution<double> u(0.0, 1.0);
        roll429 = u(m_random);
        roll5xx = u(m_random);
        rollCut = u(m_random);
    }
    const bool entries = path == QLatin1String("/v1/entries");
    if (!entries && path != QLatin1String("/v1/cards"))
        return error(404, QStringLiteral("not_found"), QStringLiteral("no such resource: %1").arg(path));
    if (method != QLatin1String("GET"))
        return error(400, QStringLiteral("bad_request"), QStringLiteral("only GET is served"));
    if (authorization != QLatin1String("Bearer ") + m_token)
        return error(401, QStringLiteral("unauthorized"), QStringLiteral("missing or wrong bearer token"));
    if (roll429 < faults.fault429) {
        SimResponse r = error(429, QStringLiteral("rate_limited"), QStringLiteral("too many requests"));
        r.headers.insert("Retry-After", QByteArray::number(faults.retryAfterSeconds));
        return r;
    }
    if (roll5xx < faults.fault5xx)
        return error(503, QStringLiteral("unavailable"), QStringLiteral("try again later"));

    bool ok = true;
    const int limit =
        query.contains(QStringLiteral("limit")) ? query.value(QStringLiteral("limit")).toInt(&ok) : 100;
    if (!ok || limit < 1 || limit > 1000)
        return error(400, QStringLiteral("bad_request"), QStringLiteral("limit must be 1 to 1000"));
    qint64 position = 0;
    const QString cursor = query.value(QStringLiteral("cursor"));
    if (!cursor.isEmpty()) {
        const QStringList parts =
            QString::fromLatin1(QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding |
                                                                              QByteArray::OmitTrailingEquals))
                .split(QLatin1Char('.'));
        bool okIssued = false, okPosition = false;
        const qint64 issued = parts.size() == 3 ? parts[1].toLongLong(&okIssued) : 0;
        position = parts.size() == 3 ? parts[2].toLongLong(&okPosition) : 0;
        if (parts.size() != 3 || parts[0] != QLatin1String("c1") || !okIssued || !okPosition || position < 0)
            return error(400, QStringLiteral("bad_cursor"),
                         QStringLiteral("this is not a cursor of this feed"));
        if (faults.expireCursorsAfterMs >= 0 && m_nowMs() - issued > faults.expireCursorsAfterMs)
            return error(410, QStringLiteral("cursor_expired"),
                         QStringLiteral("this cursor is too old; start again from an empty cursor"));
    }
    const qint64 size = entries ? qint64(m_ledger.changes().size()) : qint64(m_ledger.cards().size());
    position = std::min(position, size);
    qint64 start = position;
    if (faults.overlap && position > 0)
        start = std::max<qint64>(0, position - std::min<qint64>(3, limit - 1));
    const qint64 end = std::min(size, start + limit);
    QJsonArray items;
    for (qint64 i = start; i < end; ++i)
        items.append(entries ? SimLedger::toJson(m_ledger.changes()[std::size_t(i)])
                             : SimLedger::toJson(m_ledger.cards()[std::size_t(i)]));
    SimResponse r;
    r.body = QJsonDocument(QJsonObject{{entries ? QStringLiteral("entries") : QStringLiteral("cards"), items},
                                       {QStringLiteral("next_cursor"), cursorFor(std::max(end, position))},
                                       {QStringLiteral("has_more"), end < size}})
                 .toJson(QJsonDocument::Compact);
    r.cut = rollCut < faults.cut;
    r.delayMs = faults.slowMs;
    return r;
}

} // namespace cabas::sim
