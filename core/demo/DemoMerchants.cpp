#include "demo/DemoMerchants.h"

#include "common/Clock.h"
#include "services/MerchantService.h"
#include "store/MerchantRepository.h"

namespace cabas {

int DemoMerchants::apply(const store::Database& db, const Session& session, const QDate& programmeStart)
{
    struct Shop
    {
        const char* id;
        const char* name;
        const char* category;
        bool sustainable;
    };
    // The reference feed's merchants (app/sim/SimLedger.cpp).
    static const Shop shops[] = {
        {"M-01", "Biocoop Auch", "organic_shop", true},
        {"M-02", "Marché d'Auch (samedi)", "market", true},
        {"M-03", "Ferme de Lartigue, Pavie", "farm_shop", true},
        {"M-04", "Drive fermier du Gers", "local_producer", true},
        {"M-05", "Marché de Condom", "market", true},
        {"M-06", "Chèvrerie d'Embats", "farm_shop", true},
        {"M-07", "Biocoop Fleurance", "organic_shop", true},
        {"M-10", "E.Leclerc Auch", "supermarket", false},
        {"M-11", "Carrefour Market Auch", "supermarket", false},
        {"M-12", "Intermarché Fleurance", "supermarket", false},
        {"M-13", "Lidl Auch", "supermarket", false},
        {"M-14", "Épicerie du Garros", "grocery", false},
        {"M-15", "Boulangerie de la Treille", "other", false},
    };
    const QDateTime now = Clock::instance().nowUtc();
    const store::MerchantRepository repository(db);
    for (const Shop& s : shops)
        repository.recordSeen(QString::fromUtf8(s.id), QString::fromUtf8(s.name),
                              QString::fromUtf8(s.category), s.sustainable, now);
    const MerchantService service(db, session);
    const QDate start = programmeStart;
    int decisions = 0;
    auto approve = [&](const char* id, const QDate& from, const QString& note) {
        service.approve(QString::fromLatin1(id), from, note);
        ++decisions;
    };
    // The committee's first meeting, before the programme started: the markets and the farm shops.
    approve("M-02", start,
            QStringLiteral("Marché de producteurs, comité citoyen du %1")
                .arg(start.addDays(-10).toString(Qt::ISODate)));
    approve("M-03", start, QStringLiteral("Vente directe à la ferme"));
    approve("M-05", start, QStringLiteral("Marché de producteurs"));
    // The grocery is not sustainable for the operator, but the committee approves it after a visit.
    approve("M-14", start.addMonths(1),
            QStringLiteral("Après la visite du comité (vrac, producteurs locaux)"));
    approve("M-06", start.addMonths(2), QStringLiteral("Chèvrerie en agriculture biologique"));
    // Approved, then withdrawn three months later.
    approve("M-07", start, QStringLiteral("Magasin bio coopératif"));
    service.withdraw(QStringLiteral("M-07"), start.addMonths(3),
                     QStringLiteral("Le magasin a quitté le réseau coopératif"));
    ++decisions;
    // Refused.
    service.refuse(QStringLiteral("M-13"), QStringLiteral("Hard-discount, hors de la charte du comité"));
    ++decisions;
    // The others (M-01, M-04, M-10, M-11, M-12, M-15) wait for the committee.
    return decisions;
}

} // namespace cabas
