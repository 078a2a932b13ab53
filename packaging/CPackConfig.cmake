# Packages: a .deb for Debian/Ubuntu and a .tar.gz; `cpack` in a build directory (packaging/package.sh).
# Windows: see packaging/windows.md.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/linux/fr.cabas.Cabas.desktop DESTINATION share/applications)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/linux/fr.cabas.Cabas.metainfo.xml DESTINATION share/metainfo)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/cabas.svg
        DESTINATION share/icons/hicolor/scalable/apps RENAME fr.cabas.Cabas.svg)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/cabas)

set(CPACK_PACKAGE_NAME cabas)
set(CPACK_PACKAGE_VENDOR "The Cabas developers")
set(CPACK_PACKAGE_CONTACT "Cabas developers <dev@cabas.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Follow-up of sustainable food card programmes (households, health, workshops, card ledger)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_INSTALL_DIRECTORY cabas)
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Libraries are found by dpkg-shlibdeps; Qt's plugins are loaded at run time, so they are declared by hand:
# the SQLite and PostgreSQL drivers, the platform plugins, SVG icons.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, qt6-qpa-plugins, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-client, qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://cabas.example.org/")
include(CPack)
