#include "cohort/CohortService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "domain/Household.h"
#include "security/AuditTrail.h"
#include "store/CohortQueries.h"
#include "store/ContributionRepository.h"
#include "store/ProgrammeRepository.h"

#include <QMessageAuthenticationCode>
#include <cmath>

namespace cabas {

void CohortService::validate(const CohortFilter& f)
{
    if (!f.from.isValid())
        throw Error(tr("--from: a date YYYY-MM-DD is needed."), Error::Kind::Invalid);
    if (!f.to.isValid())
        throw Error(tr("--to: a date YYYY-MM-DD is needed."), Error::Kind::Invalid);
    if (f.to < f.from)
        throw Error(tr("--to: the period ends (%1) before it starts (%2).")
                        .arg(f.to.toString(Qt::ISODate), f.from.toString(Qt::ISODate)),
                    Error::Kind::Invalid);
    static const QStringList statuses = {QStringLiteral("candidate"), QStringLiteral("enrolled"),
                                         QStringLiteral("suspended"), QStringLiteral("exited")};
    if (!f.status.isEmpty() && !statuses.contains(f.status))
        throw Error(
            tr("--status: \"%1\" is not one of %2.").arg(f.status, statuses.join(QStringLiteral(", "))),
            Error::Kind::Invalid);
}

QString CohortService::periodRef(const CohortFilter& f)
{
    QString ref = f.from.toString(Qt::ISODate) + QStringLiteral("..") + f.to.toString(Qt::ISODate);
    if (!f.commune.isEmpty())
        ref += QStringLiteral(" commune=") + f.commune;
    if (!f.referent.isEmpty())
        ref += QStringLiteral(" referent=") + f.referent;
    if (!f.status.isEmpty())
        ref += QStringLiteral(" status=") + f.status;
    return ref;
}

CohortReport CohortService::report(const CohortFilter& filter, Disclosure disclosure) const
{
    const AuditTrail audit(m_db);
    const Action action = disclosure == Disclosure::Public ? Action::ExportPublic : Action::ReadAggregates;
    audit.require(m_session, DataKind::Cohort, action, QStringLiteral("cohort"), periodRef(filter));
    validate(filter);
    const auto programme = store::ProgrammeRepository(m_db).load();
    std::vector<std::pair<QString, int>> waves;
    int threshold = 11;
    if (programme) {
        threshold = programme->disclosureThreshold;
        for (const FollowUpWave& w : programme->waves)
            waves.emplace_back(w.code, w.offsetDays);
    }
    const CohortRaw raw = store::CohortQueries(m_db, m_session.keys.get()).compute(filter, waves);
    // Member contributions, in their own currency (figures only: no household's amount leaves its case file).
    std::optional<ContributionCohortRaw> contributions;
    if (programme && programme->contributions.enabled)
        contributions =
            store::ContributionRepository(m_db).cohortFigures(filter, programme->contributions.currency);
    CohortReport report =
        CohortReport::build(raw, filter, disclosure, threshold, contributions ? &*contributions : nullptr);
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("cohort"), periodRef(filter),
                 toCode(disclosure));
    return report;
}

std::vector<CohortHousehold> CohortService::householdsBehind(const CohortFilter& filter,
                                                             const QString& key) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Cohort, Action::ReadAggregates, QStringLiteral("cohort"),
                  periodRef(filter));
    validate(filter);
    if (key.startsWith(QLatin1String("contribution")))
        throw Error(tr("%1: contribution figures have no list of households behind them (a household's "
                       "contribution stays in its case file).")
                        .arg(key),
                    Error::Kind::Invalid);
    auto result = store::CohortQueries(m_db, m_session.keys.get()).householdsBehind(filter, key);
    audit.record(m_session, QStringLiteral("read"), QStringLiteral("cohort"), periodRef(filter),
                 QStringLiteral("households behind ") + key);
    return result;
}

void CohortService::recordExport(const CohortFilter& filter, Disclosure disclosure,
                                 const QString& format) const
{
    const AuditTrail audit(m_db);
    const Action action = disclosure == Disclosure::Public ? Action::ExportPublic : Action::ReadAggregates;
    audit.require(m_session, DataKind::Cohort, action, QStringLiteral("cohort"), periodRef(filter));
    audit.record(m_session, QStringLiteral("export"), QStringLiteral("cohort"), periodRef(filter),
                 toCode(disclosure) + QLatin1Char(' ') + format);
}

QString CohortService::ageBand(const QDate& birth, const QDate& on)
{
    if (!birth.isValid() || !on.isValid())
        return QString();
    int age = on.year() - birth.year();
    if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day()))
        --age;
    if (age < 18)
        return QStringLiteral("0-17");
    if (age < 30)
        return QStringLiteral("18-29");
    if (age < 45)
        return QStringLiteral("30-44");
    if (age < 60)
        return QStringLiteral("45-59");
    if (age < 75)
        return QStringLiteral("60-74");
    return QStringLiteral("75+");
}

QString CohortService::pseudonym(const QByteArray& key, const QString& kind, const QString& code)
{
    const QByteArray mac = QMessageAuthenticationCode::hash((kind + QLatin1Char(':') + code).toUtf8(), key,
                                                            QCryptographicHash::Sha256);
    return QString::fromLatin1(mac.toHex().left(16));
}

CohortDataset CohortService::dataset(const CohortFilter& filter) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Cohort, Action::ExportPublic, QStringLiteral("cohort_dataset"),
                  periodRef(filter));
    validate(filter);
    store::CohortQueries queries(m_db, m_session.keys.get());
    const QByteArray key = queries.pseudonymKey();
    const auto rows = queries.dataset(filter, Clock::instance().today());
    CohortDataset d;
    d.columns = {QStringLiteral("person"),
                 QStringLiteral("household"),
                 QStringLiteral("wave"),
                 QStringLiteral("sex"),
                 QStringLiteral("role"),
                 QStringLiteral("age_band"),
                 QStringLiteral("enrolled_month"),
                 QStringLiteral("checkup_month"),
                 QStringLiteral("weight_kg"),
                 QStringLiteral("height_cm"),
                 QStringLiteral("bmi"),
                 QStringLiteral("waist_cm"),
                 QStringLiteral("systolic_mmhg"),
                 QStringLiteral("diastolic_mmhg"),
                 QStringLiteral("questionnaire_month"),
                 QStringLiteral("fv_portions"),
                 QStringLiteral("organic_fv_freq"),
                 QStringLiteral("local_products_freq"),
                 QStringLiteral("organic_products_freq"),
                 QStringLiteral("discovered_sustainable_shop")};
    if (queries.clinicalMeasuresSealed())
        d.withheld = {QStringLiteral("weight_kg"),      QStringLiteral("height_cm"),
                      QStringLiteral("waist_cm"),       QStringLiteral("systolic_mmhg"),
                      QStringLiteral("diastolic_mmhg"), QStringLiteral("fv_portions")};
    auto month = [](const QDate& day) {
        return day.isValid() ? day.toString(QStringLiteral("yyyy-MM")) : QString();
    };
    auto decimal = [](double v, int places) {
        return QString::number(v, 'f', places).replace(QLatin1Char('.'), QLatin1Char(','));
    };
    QSet<QString> persons;
    for (const CohortDatasetRow& r : rows) {
        persons.insert(r.personCode);
        const QDate on = r.checkupOn.isValid() ? r.checkupOn : r.questionnaireOn;
        QString bmi;
        if (r.weightG > 0 && r.heightMm > 0)
            bmi = decimal(double(r.weightG) * 1000.0 / (double(r.heightMm) * double(r.heightMm)), 1);
        else if (r.bmi)
            bmi = decimal(*r.bmi, 1);
        d.rows.push_back(
            {pseudonym(key, QStringLiteral("person"), r.personCode),
             pseudonym(key, QStringLiteral("household"), r.householdCode),
             r.wave,
             r.sex,
             r.role,
             ageBand(r.birthDate, on),
             month(r.enrolledOn),
             month(r.checkupOn),
             r.weightG > 0 ? decimal(r.weightG / 1000.0, 1) : QString(),
             r.heightMm > 0 ? decimal(r.heightMm / 10.0, 1) : QString(),
             bmi,
             r.waistMm > 0 ? decimal(r.waistMm / 10.0, 1) : QString(),
             r.systolic > 0 ? QString::number(r.systolic) : QString(),
             r.diastolic > 0 ? QString::number(r.diastolic) : QString(),
             month(r.questionnaireOn),
             r.fvPortionsX10 >= 0 ? decimal(r.fvPortionsX10 / 10.0, 1) : QString(),
             r.organicFv,
             r.localProducts,
             r.organicProducts,
             r.discovered < 0 ? QString() : (r.discovered ? QStringLiteral("yes") : QStringLiteral("no"))});
    }
    audit.record(m_session, QStringLiteral("export"), QStringLiteral("cohort_dataset"), periodRef(filter),
                 QStringLiteral("%1 persons, %2 rows").arg(persons.size()).arg(d.rows.size()));
    return d;
}

QString CohortService::withheldNote(const CohortDataset& dataset)
{
    if (dataset.withheld.isEmpty())
        return QString();
    return tr("Left empty: %1. This database keeps the clinical measures encrypted for the nurses only; the "
              "BMI "
              "and the questionnaire answers are filled.")
        .arg(dataset.withheld.join(QStringLiteral(", ")));
}

} // namespace cabas
