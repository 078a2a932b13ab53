#include "store/QuestionnaireRepository.h"

#include "common/Clock.h"
#include "common/Error.h"

namespace cabas::store {

namespace {
QVariant frequencyValue(const std::optional<Frequency>& f)
{
    return f ? QVariant(toCode(*f)) : QVariant(QMetaType(QMetaType::QString));
}

std::optional<Frequency> readFrequency(const QVariant& v)
{
    Frequency f;
    if (v.isNull() || !fromCode(v.toString(), &f))
        return std::nullopt;
    return f;
}
} // namespace

void QuestionnaireRepository::insert(DietQuestionnaire& q)
{
    const QStringList problems = q.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    QSqlQuery existing =
        m_db.exec(QStringLiteral("SELECT 1 FROM diet_questionnaire WHERE person_id = ? AND wave = ?"),
                  {q.personId, q.wave});
    if (existing.next())
        throw Error(tr("This person already has a diet questionnaire for wave %1.").arg(q.wave),
                    Error::Kind::Conflict);
    const QVariant now = timestampValue(Clock::instance().nowUtc());
    QSqlQuery r = m_db.exec(
        QStringLiteral(
            "INSERT INTO diet_questionnaire (person_id, answered_on, wave, nurse_user_id, fv_portions_x10, "
            "organic_fv_freq, local_products_freq, organic_products_freq, discovered_sustainable_shop, "
            "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"),
        {q.personId, dateValue(q.answeredOn), q.wave, idValue(q.nurseUserId),
         q.fvPortionsX10 ? QVariant(*q.fvPortionsX10) : QVariant(QMetaType(QMetaType::Int)),
         frequencyValue(q.organicFv), frequencyValue(q.localProducts), frequencyValue(q.organicProducts),
         q.discoveredSustainableShop ? QVariant(*q.discoveredSustainableShop)
                                     : QVariant(QMetaType(QMetaType::Bool)),
         now, now});
    r.next();
    q.id = r.value(0).toLongLong();
}

std::vector<DietQuestionnaire> QuestionnaireRepository::forPerson(qint64 personId) const
{
    std::vector<DietQuestionnaire> result;
    QSqlQuery r =
        m_db.exec(QStringLiteral("SELECT id, person_id, answered_on, wave, nurse_user_id, fv_portions_x10, "
                                 "organic_fv_freq, local_products_freq, organic_products_freq, "
                                 "discovered_sustainable_shop FROM diet_questionnaire WHERE person_id = ? "
                                 "ORDER BY answered_on, id"),
                  {personId});
    while (r.next()) {
        DietQuestionnaire q;
        q.id = r.value(0).toLongLong();
        q.personId = r.value(1).toLongLong();
        q.answeredOn = toDate(r.value(2));
        q.wave = r.value(3).toString();
        q.nurseUserId = r.value(4).toLongLong();
        if (!r.value(5).isNull())
            q.fvPortionsX10 = r.value(5).toInt();
        q.organicFv = readFrequency(r.value(6));
        q.localProducts = readFrequency(r.value(7));
        q.organicProducts = readFrequency(r.value(8));
        if (!r.value(9).isNull())
            q.discoveredSustainableShop = r.value(9).toBool();
        result.push_back(q);
    }
    return result;
}

} // namespace cabas::store
