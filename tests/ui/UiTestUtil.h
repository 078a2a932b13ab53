#pragma once

#include <QObject>
#include <QString>
#include <catch2/catch.hpp>

namespace cabas::test {

// The child of `parent` named `name`, failing the test when there is none.
template <typename T> T* child(const QObject* parent, const char* name)
{
    T* found = parent->findChild<T*>(QString::fromLatin1(name));
    INFO("looking for " << name);
    REQUIRE(found != nullptr);
    return found;
}

} // namespace cabas::test
