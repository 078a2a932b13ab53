#include "store/ProgrammeRepository.h"

#include "common/Clock.h"
#include "common/Error.h"

namespace cabas::store {

std::optional<Programme> ProgrammeRepository::load() const
{
    QSqlQuery q = m_db.exec(QStringLiteral(
        "SELECT id, name, starts_on, ends_on, adult_allowance_cents, child_allowance_cents, child_adult_age, "
        "disclosure_threshold, currency, household_code_prefix, version, allowance_kind, per_person_cents, "
        "income_band_per_person, reassessment_months, prorate_first_month, cu_first_person_milli, "
        "cu_other_persons_milli, cu_children_milli, cu_child_under_age FROM programme ORDER BY id LIMIT 1"));
    if (!q.next())
        return std::nullopt;
    Programme p;
    p.id = q.value(0).toLongLong();
    p.name = q.value(1).toString();
    p.startsOn = toDate(q.value(2));
    p.endsOn = toDate(q.value(3));
    p.adultAllowanceCents = q.value(4).toLongLong();
    p.childAllowanceCents = q.value(5).toLongLong();
    p.childAdultAge = q.value(6).toInt();
    p.disclosureThreshold = q.value(7).toInt();
    p.currency = q.value(8).toString();
    p.householdCodePrefix = q.value(9).toString();
    p.version = q.value(10).toInt();
    fromCode(q.value(11).toString(), &p.allowanceKind);
    p.perPersonCents = q.value(12).toLongLong();
    p.incomeBandPerPerson = q.value(13).toBool();
    p.reassessmentMonths = q.value(14).toInt();
    p.prorateFirstMonth = q.value(15).toBool();
    p.consumptionUnits.firstAdultMilli = q.value(16).toInt();
    p.consumptionUnits.otherAdultMilli = q.value(17).toInt();
    p.consumptionUnits.childMilli = q.value(18).toInt();
    p.consumptionUnits.adultAge = q.value(19).toInt();

    QSqlQuery rules =
        m_db.exec(QStringLiteral("SELECT id, label, rate_bp, monthly_cap_cents, valid_from, valid_to "
                                 "FROM programme_bonus_rule WHERE programme_id = ? ORDER BY valid_from, id"),
                  {p.id});
    while (rules.next()) {
        BonusRule r;
        r.id = rules.value(0).toLongLong();
        r.label = rules.value(1).toString();
        r.rateBasisPoints = rules.value(2).toInt();
        if (!rules.value(3).isNull())
            r.monthlyCapCents = rules.value(3).toLongLong();
        r.validFrom = toDate(rules.value(4));
        r.validTo = toDate(rules.value(5));
        p.bonusRules.push_back(r);
    }
    QSqlQuery waves = m_db.exec(QStringLiteral("SELECT code, offset_days, tolerance_days FROM programme_wave "
                                               "WHERE programme_id = ? ORDER BY position"),
                                {p.id});
    while (waves.next())
        p.waves.push_back({waves.value(0).toString(), waves.value(1).toInt(), waves.value(2).toInt()});
    QSqlQuery categories = m_db.exec(QStringLiteral("SELECT category FROM programme_sustainable_category "
                                                    "WHERE programme_id = ? ORDER BY category"),
                                     {p.id});
    while (categories.next())
        p.sustainableCategories << categories.value(0).toString();
    QSqlQuery bands = m_db.exec(QStringLiteral("SELECT up_to_cents, amount_cents FROM programme_income_band "
                                               "WHERE programme_id = ? ORDER BY position"),
                                {p.id});
    while (bands.next()) {
        IncomeBand b;
        if (!bands.value(0).isNull())
            b.upToCents = bands.value(0).toLongLong();
        b.amountCents = bands.value(1).toLongLong();
        p.incomeBands.push_back(b);
    }
    // Member contributions (migration 0011).
    QSqlQuery contributions = m_db.exec(
        QStringLiteral("SELECT contributions_enabled, contribution_currency, contribution_min_cents, "
                       "contribution_max_cents FROM programme WHERE id = ?"),
        {p.id});
    if (contributions.next())
        p.contributions = {contributions.value(0).toBool(), contributions.value(1).toString(),
                           contributions.value(2).toLongLong(), contributions.value(3).toLongLong()};
    return p;
}

void ProgrammeRepository::save(Programme& p)
{
    const QStringList problems = p.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    const QVariant now = timestampValue(Clock::instance().nowUtc());
    const QVariantList values = {textValue(p.name),
                                 dateValue(p.startsOn),
                                 dateValue(p.endsOn),
                                 p.adultAllowanceCents,
                                 p.childAllowanceCents,
                                 p.childAdultAge,
                                 p.disclosureThreshold,
                                 p.currency,
                                 p.householdCodePrefix,
                                 now,
                                 toCode(p.allowanceKind),
                                 p.perPersonCents,
                                 p.incomeBandPerPerson,
                                 p.reassessmentMonths,
                                 p.prorateFirstMonth,
                                 p.consumptionUnits.firstAdultMilli,
                                 p.consumptionUnits.otherAdultMilli,
                                 p.consumptionUnits.childMilli,
                                 p.consumptionUnits.adultAge};
    if (p.id == 0) {
        QSqlQuery q = m_db.exec(
            QStringLiteral(
                "INSERT INTO programme (name, starts_on, ends_on, adult_allowance_cents, "
                "child_allowance_cents, child_adult_age, disclosure_threshold, currency, "
                "household_code_prefix, updated_at, allowance_kind, per_person_cents, "
                "income_band_per_person, "
                "reassessment_months, prorate_first_month, cu_first_person_milli, cu_other_persons_milli, "
                "cu_children_milli, cu_child_under_age, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
                "RETURNING id"),
            values);
        q.next();
        p.id = q.value(0).toLongLong();
        p.version = 1;
    } else {
        QSqlQuery q = m_db.exec(
            QStringLiteral(
                "UPDATE programme SET name = ?, starts_on = ?, ends_on = ?, adult_allowance_cents = ?, "
                "child_allowance_cents = ?, child_adult_age = ?, disclosure_threshold = ?, currency = ?, "
                "household_code_prefix = ?, updated_at = ?, allowance_kind = ?, per_person_cents = ?, "
                "income_band_per_person = ?, reassessment_months = ?, prorate_first_month = ?, "
                "cu_first_person_milli = ?, cu_other_persons_milli = ?, cu_children_milli = ?, "
                "cu_child_under_age = ?, version = version + 1 "
                "WHERE id = ? AND version = ?"),
            values + QVariantList{p.id, p.version});
        if (q.numRowsAffected() != 1)
            throw Error(tr("The programme settings were changed by someone else meanwhile; reload them and "
                           "try again."),
                        Error::Kind::Conflict);
        ++p.version;
    }
    writeRules(p);
}

void ProgrammeRepository::writeRules(const Programme& p)
{
    m_db.exec(QStringLiteral("UPDATE programme SET contributions_enabled = ?, contribution_currency = ?, "
                             "contribution_min_cents = ?, contribution_max_cents = ? WHERE id = ?"),
              {p.contributions.enabled, p.contributions.currency, p.contributions.minMonthlyCents,
               p.contributions.maxMonthlyCents, p.id});
    m_db.exec(QStringLiteral("DELETE FROM programme_bonus_rule WHERE programme_id = ?"), {p.id});
    m_db.exec(QStringLiteral("DELETE FROM programme_wave WHERE programme_id = ?"), {p.id});
    m_db.exec(QStringLiteral("DELETE FROM programme_sustainable_category WHERE programme_id = ?"), {p.id});
    m_db.exec(QStringLiteral("DELETE FROM programme_income_band WHERE programme_id = ?"), {p.id});
    int band = 0;
    for (const IncomeBand& b : p.incomeBands)
        m_db.exec(QStringLiteral("INSERT INTO programme_income_band (programme_id, position, up_to_cents, "
                                 "amount_cents) VALUES (?, ?, ?, ?)"),
                  {p.id, band++,
                   b.upToCents ? QVariant(*b.upToCents) : QVariant(QMetaType(QMetaType::LongLong)),
                   b.amountCents});
    for (const BonusRule& r : p.bonusRules)
        m_db.exec(
            QStringLiteral(
                "INSERT INTO programme_bonus_rule (programme_id, label, rate_bp, monthly_cap_cents, "
                "valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)"),
            {p.id, textValue(r.label), r.rateBasisPoints,
             r.monthlyCapCents ? QVariant(*r.monthlyCapCents) : QVariant(QMetaType(QMetaType::LongLong)),
             dateValue(r.validFrom), dateValue(r.validTo)});
    int position = 0;
    for (const FollowUpWave& w : p.waves)
        m_db.exec(QStringLiteral("INSERT INTO programme_wave (programme_id, code, position, offset_days, "
                                 "tolerance_days) VALUES (?, ?, ?, ?, ?)"),
                  {p.id, w.code, position++, w.offsetDays, w.toleranceDays});
    for (const QString& c : p.sustainableCategories)
        m_db.exec(QStringLiteral(
                      "INSERT INTO programme_sustainable_category (programme_id, category) VALUES (?, ?)"),
                  {p.id, c});
}

} // namespace cabas::store
