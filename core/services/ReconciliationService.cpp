#include "services/ReconciliationService.h"

#include "common/Error.h"
#include "domain/Allowance.h"
#include "security/AuditTrail.h"
#include "store/IncomeRepository.h"
#include "store/ProgrammeRepository.h"
#include "store/ReconciliationQueries.h"

#include <QJsonArray>
#include <algorithm>
#include <map>

namespace cabas {

namespace {

int monthKey(const QDate& d)
{
    return d.year() * 100 + d.month();
}

QDate monthOf(int key)
{
    return QDate(key / 100, key % 100, 1);
}

// The household's status on `day` from its history: the latest event effective on or before it.
QString statusOn(const std::vector<std::pair<QDate, QString>>& events, const QDate& day)
{
    QString status;
    for (const auto& [on, code] : events)
        if (on <= day)
            status = code;
    return status;
}

QJsonArray discrepancyArray(const std::vector<CreditDiscrepancy>& list)
{
    QJsonArray array;
    for (const CreditDiscrepancy& d : list)
        array.append(QJsonObject{{QStringLiteral("household"), d.household},
                                 {QStringLiteral("month"), d.month.toString(QStringLiteral("yyyy-MM"))},
                                 {QStringLiteral("expected_cents"), double(d.expectedCents)},
                                 {QStringLiteral("credited_cents"), double(d.creditedCents)}});
    return array;
}

QJsonObject counts(const std::vector<CreditDiscrepancy>& list)
{
    QJsonObject o{{QStringLiteral("missing"), 0},
                  {QStringLiteral("duplicated"), 0},
                  {QStringLiteral("unexpected"), 0},
                  {QStringLiteral("wrong"), 0}};
    qint64 expected = 0, credited = 0;
    for (const CreditDiscrepancy& d : list) {
        const QString key = toCode(d.problem());
        o.insert(key, o.value(key).toInt() + 1);
        expected += d.expectedCents;
        credited += d.creditedCents;
    }
    o.insert(QStringLiteral("expected_cents"), double(expected));
    o.insert(QStringLiteral("credited_cents"), double(credited));
    return o;
}

} // namespace

CreditDiscrepancy::Problem CreditDiscrepancy::problem() const
{
    if (creditedCents == 0 && expectedCents > 0)
        return Problem::Missing;
    if (expectedCents == 0)
        return Problem::Unexpected;
    if (!bonus && entries > 1 && creditedCents > expectedCents && creditedCents % expectedCents == 0)
        return Problem::Duplicated;
    return Problem::Wrong;
}

QString toCode(CreditDiscrepancy::Problem problem)
{
    switch (problem) {
    case CreditDiscrepancy::Problem::Missing:
        return QStringLiteral("missing");
    case CreditDiscrepancy::Problem::Duplicated:
        return QStringLiteral("duplicated");
    case CreditDiscrepancy::Problem::Unexpected:
        return QStringLiteral("unexpected");
    case CreditDiscrepancy::Problem::Wrong:
        return QStringLiteral("wrong");
    }
    return QString();
}

QJsonObject ReconciliationReport::toJson() const
{
    QJsonObject json{{QStringLiteral("discrepancies"), discrepancyArray(discrepancies)}};
    if (bonusChecked)
        json.insert(QStringLiteral("bonus_discrepancies"), discrepancyArray(bonusDiscrepancies));
    if (!unassessed.empty()) {
        QJsonArray array;
        for (const UnassessedMonth& u : unassessed)
            array.append(QJsonObject{{QStringLiteral("household"), u.household},
                                     {QStringLiteral("month"), u.month.toString(QStringLiteral("yyyy-MM"))},
                                     {QStringLiteral("credited_cents"), double(u.creditedCents)}});
        json.insert(QStringLiteral("unassessed"), array);
    }
    return json;
}

QJsonObject ReconciliationReport::summaryJson() const
{
    QJsonObject json{{QStringLiteral("from"), fromMonth.toString(QStringLiteral("yyyy-MM"))},
                     {QStringLiteral("to"), toMonth.toString(QStringLiteral("yyyy-MM"))},
                     {QStringLiteral("currency"), currency},
                     {QStringLiteral("household_months"), double(householdMonths)},
                     {QStringLiteral("allowance"), counts(discrepancies)},
                     {QStringLiteral("unassessed_months"), double(unassessed.size())}};
    if (bonusChecked)
        json.insert(QStringLiteral("bonus"), counts(bonusDiscrepancies));
    return json;
}

ReconciliationReport ReconciliationService::reconcile(const QDate& from, const QDate& to,
                                                      bool checkBonus) const
{
    AuditTrail(m_db).require(m_session, DataKind::Ledger, Action::Read, QStringLiteral("ledger_entry"));
    return compute(from, to, checkBonus);
}

ReconciliationReport ReconciliationService::summary(const QDate& from, const QDate& to, bool checkBonus) const
{
    AuditTrail(m_db).require(m_session, DataKind::Ledger, Action::ReadAggregates,
                             QStringLiteral("ledger_entry"));
    ReconciliationReport report = compute(from, to, checkBonus);
    for (auto* list : {&report.discrepancies, &report.bonusDiscrepancies})
        for (CreditDiscrepancy& d : *list)
            d.household.clear();
    for (UnassessedMonth& u : report.unassessed)
        u.household.clear();
    return report;
}

ReconciliationReport ReconciliationService::compute(const QDate& from, const QDate& to, bool checkBonus) const
{
    if (!from.isValid() || !to.isValid())
        throw Error(tr("The period needs a valid start and end date."), Error::Kind::Invalid);
    if (to < from)
        throw Error(tr("The end of the period (%1) is before its start (%2).")
                        .arg(to.toString(Qt::ISODate), from.toString(Qt::ISODate)),
                    Error::Kind::Invalid);
    ReconciliationReport report;
    report.fromMonth = QDate(from.year(), from.month(), 1);
    report.toMonth = QDate(to.year(), to.month(), 1);
    if (report.fromMonth.addMonths(120) <= report.toMonth)
        throw Error(tr("The period is longer than 120 months; reconcile it in parts."), Error::Kind::Invalid);
    const auto programme = store::ProgrammeRepository(m_db).load();
    if (!programme)
        throw Error(tr("This database has no programme."), Error::Kind::NotFound);
    const Programme& p = *programme;
    report.currency = p.currency;
    report.bonusChecked = checkBonus;

    const int firstKey = monthKey(report.fromMonth);
    const int lastKey = monthKey(report.toMonth);
    const store::ReconciliationQueries queries(m_db, m_session.keys.get());
    const auto households = queries.households();
    const auto credits = queries.allowanceCredits(firstKey, lastKey, p.currency);
    std::map<qint64, std::vector<IncomeAssessment>> assessments;
    if (p.needsIncomeAssessment())
        assessments = store::IncomeRepository(m_db, m_session.keys.get()).allUntil(report.toMonth.addMonths(1).addDays(-1));
    const std::vector<IncomeAssessment> none;

    std::map<qint64, const store::ReconciliationQueries::Household*> byId;
    for (const auto& h : households)
        byId[h.id] = &h;

    // Allowance: every month of every household, due or credited.
    for (const auto& h : households) {
        const auto history = assessments.find(h.id);
        const std::vector<IncomeAssessment>& hist = history == assessments.end() ? none : history->second;
        const QDate start = std::max(h.enrolledOn, p.startsOn);
        for (QDate month = report.fromMonth; month <= report.toMonth; month = month.addMonths(1)) {
            const QDate last = month.addMonths(1).addDays(-1);
            const bool due = start <= last && (h.exitedOn.isNull() || month <= h.exitedOn) &&
                             (p.endsOn.isNull() || month <= p.endsOn) &&
                             statusOn(h.statusEvents, month) != QLatin1String("suspended");
            const auto credited = credits.find({h.id, monthKey(month)});
            const qint64 creditedCents = credited == credits.end() ? 0 : credited->second.cents;
            const qint64 entries = credited == credits.end() ? 0 : credited->second.entries;
            qint64 expected = 0;
            if (due) {
                ++report.householdMonths;
                const IncomeAssessment* a = assessmentOn(hist, std::max(month, start));
                const AllowanceBreakdown b = monthlyAllowance(p, h.members, month, a);
                if (b.needsAssessment) {
                    report.unassessed.push_back({h.code, month, creditedCents});
                    continue;
                }
                expected = b.totalCents;
                if (p.prorateFirstMonth && start > month && start <= last)
                    expected = proratedCents(expected, start);
            }
            if (expected != creditedCents)
                report.discrepancies.push_back({h.code, month, expected, creditedCents, entries});
        }
    }

    if (checkBonus) {
        // Expected: per purchase, floor(amount x rate) of the first rule valid on its date; per rule and
        // month, at most the rule's cap.
        std::map<std::pair<qint64, int>, std::map<int, qint64>>
            expected; // (household, month) -> rule -> cents
        for (const auto& purchase : queries.sustainablePurchases(firstKey, lastKey, p.currency)) {
            int rule = -1;
            const qint64 bonus = purchaseBonusCents(p, purchase.cents, purchase.localDate, &rule);
            if (rule >= 0)
                expected[{purchase.householdId, monthKey(purchase.localDate)}][rule] += bonus;
        }
        const auto bonuses = queries.bonusCredits(firstKey, lastKey, p.currency);
        std::map<std::pair<qint64, int>, qint64> expectedTotal;
        for (const auto& [key, rules] : expected) {
            qint64 total = 0;
            for (const auto& [rule, cents] : rules) {
                const auto& cap = p.bonusRules[std::size_t(rule)].monthlyCapCents;
                total += cap ? std::min(cents, *cap) : cents;
            }
            expectedTotal[key] = total;
        }
        std::map<std::pair<QString, int>, CreditDiscrepancy> found;
        const auto add = [&](const std::pair<qint64, int>& key) {
            const auto h = byId.find(key.first);
            if (h == byId.end())
                return;
            const auto e = expectedTotal.find(key);
            const auto c = bonuses.find(key);
            const qint64 exp = e == expectedTotal.end() ? 0 : e->second;
            const qint64 cred = c == bonuses.end() ? 0 : c->second.cents;
            if (exp != cred)
                found[{h->second->code, key.second}] = {h->second->code, monthOf(key.second), exp, cred,
                                                        c == bonuses.end() ? 0 : c->second.entries, true};
        };
        for (const auto& [key, cents] : expectedTotal)
            add(key);
        for (const auto& [key, c] : bonuses)
            add(key);
        for (auto& [key, d] : found)
            report.bonusDiscrepancies.push_back(d);
    }
    return report;
}

} // namespace cabas
