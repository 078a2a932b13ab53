#include "services/ContributionService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Money.h"
#include "security/AuditTrail.h"
#include "store/ContributionRepository.h"
#include "store/HouseholdRepository.h"
#include "store/ProgrammeRepository.h"

namespace cabas {

bool ContributionService::maySee(Role role)
{
    return AccessPolicy::allows(role, DataKind::Households, Action::Read) &&
           AccessPolicy::seesAddresses(role);
}

bool ContributionService::mayRecord(Role role)
{
    return AccessPolicy::allows(role, DataKind::Households, Action::Write);
}

ContributionRule ContributionService::rule() const
{
    const auto programme = store::ProgrammeRepository(m_db).load();
    return programme ? programme->contributions : ContributionRule{};
}

qint64 ContributionService::householdId(const QString& code) const
{
    const auto household = store::HouseholdRepository(m_db, m_session.keys.get()).findByCode(code);
    if (!household)
        throw Error(tr("There is no household %1.").arg(code), Error::Kind::NotFound);
    return household->id;
}

void ContributionService::requireRead(const QString& table, const QString& recordRef) const
{
    const AuditTrail audit(m_db);
    // Coordinators read households by code only: a household's contributions are not theirs to see.
    if (!maySee(m_session.role())) {
        audit.record(&m_session, QStringLiteral("read"), table, recordRef, QStringLiteral("denied"),
                     toCode(DataKind::Households));
        throw Error(AccessPolicy::refusal(m_session.role(), DataKind::Households, Action::Read),
                    Error::Kind::AccessDenied);
    }
}

ContributionChoice ContributionService::choose(const QString& householdCode, qint64 monthlyCents,
                                               const QString& currency, const QDate& fromMonth,
                                               const QString& note) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Households, Action::Write, QStringLiteral("contribution_choice"),
                  householdCode);
    const ContributionRule r = rule();
    ContributionChoice c;
    c.householdId = householdId(householdCode);
    c.fromMonth = fromMonth.isValid() ? QDate(fromMonth.year(), fromMonth.month(), 1) : QDate();
    c.monthlyCents = monthlyCents;
    c.currency = currency.isEmpty() ? r.currency : currency;
    c.chosenByUserId = m_session.user.id;
    c.chosenBy = m_session.login();
    c.note = note;
    const QStringList problems = c.validate(r);
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    store::Database::Transaction tx(m_db);
    store::ContributionRepository(m_db).insertChoice(c);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("contribution_choice"), householdCode,
                 QStringLiteral("from %1").arg(c.fromMonth.toString(QStringLiteral("yyyy-MM"))));
    tx.commit();
    return c;
}

ContributionPayment ContributionService::pay(const QString& householdCode, qint64 amountCents,
                                             const QString& currency, const QDate& paidOn,
                                             const QString& note) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Households, Action::Write, QStringLiteral("contribution_payment"),
                  householdCode);
    const ContributionRule r = rule();
    ContributionPayment p;
    p.householdId = householdId(householdCode);
    p.paidOn = paidOn;
    p.amountCents = amountCents;
    p.currency = currency.isEmpty() ? r.currency : currency;
    p.recordedByUserId = m_session.user.id;
    p.recordedBy = m_session.login();
    p.note = note;
    const QStringList problems = p.validate(r, Clock::instance().today());
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    store::Database::Transaction tx(m_db);
    store::ContributionRepository(m_db).insertPayment(p);
    audit.record(m_session, QStringLiteral("create"), QStringLiteral("contribution_payment"), householdCode,
                 QStringLiteral("paid on %1").arg(p.paidOn.toString(Qt::ISODate)));
    tx.commit();
    return p;
}

ContributionAccount ContributionService::account(const QString& householdCode, const QDate& untilMonth) const
{
    requireRead(QStringLiteral("contribution_choice"), householdCode);
    const auto household = store::HouseholdRepository(m_db, m_session.keys.get()).findByCode(householdCode);
    if (!household)
        throw Error(tr("There is no household %1.").arg(householdCode), Error::Kind::NotFound);
    const QDate until = untilMonth.isValid() ? untilMonth : Clock::instance().today();
    const QDate month(until.year(), until.month(), 1);
    const store::ContributionRepository repository(m_db);
    ContributionAccount a;
    a.householdCode = householdCode;
    a.rule = rule();
    a.choices = repository.choices(household->id);
    a.payments = repository.payments(household->id);
    a.months = contributionMonths(a.choices, a.payments, household->enrolledOn, household->exitedOn, month,
                                  a.rule.currency);
    std::vector<ContributionChoice> mine;
    for (const ContributionChoice& c : a.choices)
        if (c.currency == a.rule.currency)
            mine.push_back(c);
    if (const ContributionChoice* c = contributionChoiceIn(mine, month))
        a.currentMonthlyCents = c->monthlyCents;
    a.balanceCents = a.months.empty() ? 0 : a.months.back().balanceCents;
    return a;
}

std::vector<ContributionArrears> ContributionService::arrears(const QDate& monthDay) const
{
    const QDate day = monthDay.isValid() ? monthDay : Clock::instance().today();
    const QDate month(day.year(), day.month(), 1);
    const QString ref = month.toString(QStringLiteral("yyyy-MM"));
    requireRead(QStringLiteral("contribution_arrears"), ref);
    const ContributionRule r = rule();
    std::vector<ContributionArrears> result;
    for (const auto& h : store::ContributionRepository(m_db).allHouseholds(month.addMonths(1).addDays(-1))) {
        const auto months =
            contributionMonths(h.choices, h.payments, h.enrolledOn, h.exitedOn, month, r.currency);
        if (months.empty() || months.back().balanceCents <= 0)
            continue;
        ContributionArrears a;
        a.householdCode = h.code;
        a.arrearsCents = months.back().balanceCents;
        a.monthlyCents = months.back().expectedCents;
        for (auto it = months.rbegin(); it != months.rend() && it->balanceCents > 0; ++it)
            ++a.monthsOwed;
        for (const ContributionPayment& p : h.payments)
            if (p.currency == r.currency && (!a.lastPaidOn.isValid() || p.paidOn > a.lastPaidOn))
                a.lastPaidOn = p.paidOn;
        result.push_back(a);
    }
    AuditTrail(m_db).record(m_session, QStringLiteral("read"), QStringLiteral("contribution_arrears"), ref,
                            QStringLiteral("%1 households").arg(result.size()));
    return result;
}

} // namespace cabas
