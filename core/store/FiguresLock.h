#pragma once

#include <QString>

namespace cabas::store {

// PostgreSQL: the advisory transaction lock LedgerRepository::refreshFigures() takes first (in its SECURITY
// DEFINER function too, CohortQueries::installPgFunctions()), so that two transactions refresh the figures
// one after the other: the totals of migration 14 move by differences computed from the figures as committed
// (READ COMMITTED: each statement sees what committed before it), which two refreshes of one household's
// months at the same time would otherwise count twice.
QString figuresLockStatement();

} // namespace cabas::store
