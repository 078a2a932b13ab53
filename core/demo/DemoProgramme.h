#pragma once

#include "domain/Programme.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QCoreApplication>

namespace cabas {

// The demo as each kind of scheme (issue 11): the programme files under resources/demo/schemes (embedded),
// the switch of a new database's programme to one of them, and the income assessments an income-band
// programme needs.
class DemoProgramme
{
    Q_DECLARE_TR_FUNCTIONS(DemoProgramme)
  public:
    // gers, vitalim, rennes, montpellier.
    static QStringList schemes();
    // The embedded programme of a scheme; throws Invalid naming the known schemes.
    static Programme scheme(const QString& name);
    // Replaces the programme of a database that has no household yet by `programme` (administrators, through
    // ProgrammeService: validated and audited). Throws Conflict when households exist.
    static void apply(const store::Database& db, const Session& session, Programme programme);
    // Income assessments for every enrolled household when the programme's allowance follows income bands:
    // one at enrolment, then one every re-assessment interval up to `today` (the income drifting a little).
    // Deterministic for a seed; call inside the demo's transaction. Returns how many were written.
    static int assessIncomes(const store::Database& db, const Programme& programme, quint64 seed,
                             const QDate& today, const security::KeyRing* keys = nullptr);
};

} // namespace cabas
