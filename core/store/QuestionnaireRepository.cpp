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
    const bool sealed = m_seal.on();
    if (sealed) {
        m_seal.requireHealthKey();
        m_seal.requireCohortKey();
    }
    // Sealed: the answers go into `sealed` once the row id is known, the answer columns stay NULL.
    const DietQuestionnaire none;
    const DietQuestionnaire& clear = sealed ? none : q;
    const QVariant now = timestampValue(Clock::instance().nowUtc());
    QSqlQuery r = m_db.exec(
        QStringLiteral(
            "INSERT INTO diet_questionnaire (person_id, answered_on, wave, nurse_user_id, fv_portions_x10, "
            "organic_fv_freq, local_products_freq, organic_products_freq, discovered_sustainable_shop, "
            "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"),
        {q.personId, dateValue(q.answeredOn), q.wave, idValue(q.nurseUserId),
         clear.fvPortionsX10 ? QVariant(*clear.fvPortionsX10) : QVariant(QMetaType(QMetaType::Int)),
         frequencyValue(clear.organicFv), frequencyValue(clear.localProducts),
         frequencyValue(clear.organicProducts),
         clear.discoveredSustainableShop ? QVariant(*clear.discoveredSustainableShop)
                                         : QVariant(QMetaType(QMetaType::Bool)),
         now, now});
    r.next();
    q.id = r.value(0).toLongLong();
    if (sealed) {
        m_db.exec(QStringLiteral("UPDATE diet_questionnaire SET sealed = ? WHERE id = ?"),
                  {m_seal.seal(QLatin1String("diet_questionnaire.sealed"), q.id,
                               HealthSealing::questionnairePayload(q)),
                   q.id});
        m_seal.writeCohort(q);
    }
}

std::vector<DietQuestionnaire> QuestionnaireRepository::forPerson(qint64 personId) const
{
    std::vector<DietQuestionnaire> result;
    m_seal.requireHealthKey();
    QSqlQuery r = m_db.exec(
        QStringLiteral("SELECT id, person_id, answered_on, wave, nurse_user_id, fv_portions_x10, "
                       "organic_fv_freq, local_products_freq, organic_products_freq, "
                       "discovered_sustainable_shop, sealed FROM diet_questionnaire WHERE person_id = ? "
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
        if (m_seal.on())
            HealthSealing::readQuestionnairePayload(
                m_seal.open(QLatin1String("diet_questionnaire.sealed"), q.id, r.value(10)), q);
        result.push_back(q);
    }
    return result;
}

} // namespace cabas::store
