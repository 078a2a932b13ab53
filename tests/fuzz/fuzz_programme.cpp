// The programme settings reader (core/domain/Programme.h, docs/programme-json.md): any JSON gives a programme
// or a located cabas::Error; an accepted programme written back with toJson() reads as the same programme.
#include "FuzzSupport.h"

#include "common/Error.h"
#include "domain/Programme.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
    cabas::fuzz::ensureApplication();
    const QJsonDocument doc = QJsonDocument::fromJson(cabas::fuzz::bytes(data, size));
    if (!doc.isObject())
        return 0;
    cabas::Programme programme;
    try {
        programme = cabas::Programme::fromJson(doc.object(), QStringLiteral("programme.json"));
    } catch (const cabas::Error&) {
        return 0;
    }
    const QJsonObject written = programme.toJson();
    try {
        if (!(cabas::Programme::fromJson(written, QStringLiteral("written")) == programme)) {
            std::fprintf(stderr, "programme: toJson() does not read back the same:\n%s\n",
                         QJsonDocument(written).toJson().constData());
            std::abort();
        }
    } catch (const cabas::Error& e) {
        std::fprintf(stderr, "programme: toJson() of an accepted programme is refused: %s\n%s\n",
                     qPrintable(e.message()), QJsonDocument(written).toJson().constData());
        std::abort();
    }
    return 0;
}
