#include "services/ProgrammeService.h"

#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/ProgrammeRepository.h"

namespace cabas {

std::optional<Programme> ProgrammeService::load() const
{
    return store::ProgrammeRepository(m_db).load();
}

void ProgrammeService::save(Programme& programme) const
{
    AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Administration, Action::Write, QStringLiteral("programme"),
                  programme.id ? QString::number(programme.id) : QString());
    const QStringList problems = programme.validate();
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
    store::Database::Transaction tx(m_db);
    store::ProgrammeRepository(m_db).save(programme);
    audit.record(m_session, QStringLiteral("update"), QStringLiteral("programme"),
                 QString::number(programme.id));
    tx.commit();
}

} // namespace cabas
