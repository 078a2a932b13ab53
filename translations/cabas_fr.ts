<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>AccessPolicy</name>
    <message>
        <source>households, members, cards and consents</source>
        <translation>les foyers, membres, cartes et consentements</translation>
    </message>
    <message>
        <source>card ledger and spending</source>
        <translation>le compte carte et les dépenses</translation>
    </message>
    <message>
        <source>health follow-up</source>
        <translation>le suivi santé</translation>
    </message>
    <message>
        <source>workshops and attendance</source>
        <translation>les ateliers et les présences</translation>
    </message>
    <message>
        <source>cohort figures</source>
        <translation>la cohorte</translation>
    </message>
    <message>
        <source>users, settings and audit trail</source>
        <translation>les utilisateurs, les réglages et le journal d’audit</translation>
    </message>
    <message>
        <source>read</source>
        <translation>consulter</translation>
    </message>
    <message>
        <source>change</source>
        <translation>modifier</translation>
    </message>
    <message>
        <source>see figures on</source>
        <translation>voir les chiffres sur</translation>
    </message>
    <message>
        <source>publish figures on</source>
        <translation>publier des chiffres sur</translation>
    </message>
    <message>
        <source>Access denied: a %1 may not %2 the %3.</source>
        <translation>Accès refusé : le rôle %1 ne permet pas de %2 %3.</translation>
    </message>
</context>
<context>
    <name>AuditTrail</name>
    <message>
        <source>Audit record %1 is missing (the next one is %2).</source>
        <translation>L’enregistrement du journal n° %1 est manquant (le suivant est le n° %2).</translation>
    </message>
    <message>
        <source>Audit record %1 is out of order.</source>
        <translation>L’enregistrement du journal n° %1 n’est pas à sa place.</translation>
    </message>
    <message>
        <source>Audit record %1 does not follow record %2: a record was removed, replaced or moved.</source>
        <translation>L’enregistrement du journal n° %1 ne fait pas suite à l’enregistrement n° %2 : un enregistrement a été supprimé, remplacé ou déplacé.</translation>
    </message>
    <message>
        <source>Audit record %1 was changed after it was written.</source>
        <translation>L’enregistrement du journal n° %1 a été modifié après son écriture.</translation>
    </message>
    <message>
        <source>Audit records %1 to %2 are missing at the end of the trail.</source>
        <translation>Les enregistrements du journal n° %1 à %2 manquent à la fin du journal.</translation>
    </message>
    <message>
        <source>Audit record %1 was added outside Cabas.</source>
        <translation>L’enregistrement du journal n° %1 a été ajouté en dehors de Cabas.</translation>
    </message>
    <message>
        <source>The audit trail is intact: %1 records, ending with %2.</source>
        <translation>Le journal d’audit est intact : %1 enregistrements, dernière empreinte %2.</translation>
    </message>
</context>
<context>
    <name>Authenticator</name>
    <message>
        <source>Wrong login or password.</source>
        <translation>Identifiant ou mot de passe incorrect.</translation>
    </message>
    <message>
        <source>The account %1 is disabled; ask an administrator.</source>
        <translation>Le compte %1 est désactivé ; adressez-vous à un·e administrateur·rice.</translation>
    </message>
    <message>
        <source>The account %1 is locked after %2 failed attempts, until %3. An administrator can unlock it by setting a new password.</source>
        <translation>Le compte %1 est verrouillé après %2 tentatives échouées, jusqu’à %3. Un·e administrateur·rice peut le déverrouiller en définissant un nouveau mot de passe.</translation>
    </message>
    <message>
        <source>Access denied: the database login %1 is not allowed to act as a %2.</source>
        <translation>Accès refusé : l’identifiant de base de données %1 n’est pas autorisé à agir avec le rôle %2.</translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <source>card_id: the card id is required</source>
        <translation>card_id: l’identifiant de carte est obligatoire</translation>
    </message>
    <message>
        <source>card_id: &quot;%1&quot; is not a valid card id</source>
        <translation>card_id: « %1 » n’est pas un identifiant de carte valide</translation>
    </message>
    <message>
        <source>replaces: a card cannot replace itself</source>
        <translation>replaces: une carte ne peut pas se remplacer elle-même</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloquée</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Perdue</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Fermée</translation>
    </message>
</context>
<context>
    <name>CardRepository</name>
    <message>
        <source>The card %1 is already known.</source>
        <translation>La carte %1 est déjà enregistrée.</translation>
    </message>
    <message>
        <source>No such card.</source>
        <translation>Carte introuvable.</translation>
    </message>
</context>
<context>
    <name>Checkup</name>
    <message>
        <source>person_code: the checkup belongs to a person</source>
        <translation>person_code: le bilan de santé doit être rattaché à une personne</translation>
    </message>
    <message>
        <source>date: the date of the checkup is required</source>
        <translation>date: la date du bilan de santé est obligatoire</translation>
    </message>
    <message>
        <source>wave: the follow-up wave (M0, M6 ...) is required</source>
        <translation>wave: la vague de suivi (M0, M6…) est obligatoire</translation>
    </message>
    <message>
        <source>weight_kg: must be between 2 and 350 kg</source>
        <translation>weight_kg: doit être compris entre 2 et 350 kg</translation>
    </message>
    <message>
        <source>height_cm: must be between 40 and 230 cm</source>
        <translation>height_cm: doit être compris entre 40 et 230 cm</translation>
    </message>
    <message>
        <source>waist_cm: must be between 30 and 250 cm</source>
        <translation>waist_cm: doit être compris entre 30 et 250 cm</translation>
    </message>
    <message>
        <source>systolic_mmhg: must be between 60 and 260 mmHg</source>
        <translation>systolic_mmhg: doit être compris entre 60 et 260 mmHg</translation>
    </message>
    <message>
        <source>diastolic_mmhg: must be between 30 and 160 mmHg</source>
        <translation>diastolic_mmhg: doit être compris entre 30 et 160 mmHg</translation>
    </message>
    <message>
        <source>glucose_g_l: must be between 0.2 and 6 g/L</source>
        <translation>glucose_g_l: doit être compris entre 0,2 et 6 g/L</translation>
    </message>
    <message>
        <source>systolic_mmhg: the systolic pressure must be above the diastolic pressure</source>
        <translation>systolic_mmhg: la pression systolique doit être supérieure à la pression diastolique</translation>
    </message>
    <message>
        <source>diastolic_mmhg: blood pressure needs both the systolic and the diastolic value</source>
        <translation>diastolic_mmhg: la tension artérielle nécessite à la fois la valeur systolique et la valeur diastolique</translation>
    </message>
</context>
<context>
    <name>CheckupRepository</name>
    <message>
        <source>This person already has a checkup for wave %1.</source>
        <translation>Cette personne a déjà un bilan de santé pour la vague %1.</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>no database given: use --db FILE.cabas or --db postgresql://..., or set CABAS_DB</source>
        <translation>aucune base de données indiquée : utilisez --db FILE.cabas ou --db postgresql://..., ou définissez CABAS_DB</translation>
    </message>
    <message>
        <source>init needs --admin LOGIN</source>
        <translation>init nécessite --admin LOGIN</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>%1: offset %2: not valid JSON (%3)</source>
        <translation>%1 : position %2 : JSON non valide (%3)</translation>
    </message>
    <message>
        <source>%1: the programme must be a JSON object</source>
        <translation>%1 : le programme doit être un objet JSON</translation>
    </message>
    <message>
        <source>Created %1 (programme &quot;%2&quot;, administrator %3).</source>
        <translation>Base de données %1 créée (programme « %2 », administrateur·rice %3).</translation>
    </message>
    <message>
        <source>--households must be a whole number from 1 to %1, not &quot;%2&quot;</source>
        <translation>--households doit être un nombre entier de 1 à %1, et non « %2 »</translation>
    </message>
    <message>
        <source>--seed must be a whole number, not &quot;%1&quot;</source>
        <translation>--seed doit être un nombre entier, et non « %1 »</translation>
    </message>
    <message>
        <source>Demo: %1 of %2 households</source>
        <translation>Démonstration : %1 foyers sur %2</translation>
    </message>
    <message>
        <source>Demo written to %1: %2 households, %3 persons, %4 cards, %5 consents, %6 staff accounts (%7 s).</source>
        <translation>Démonstration écrite dans %1 : %2 foyers, %3 personnes, %4 cartes, %5 consentements, %6 comptes du personnel (%7 s).</translation>
    </message>
    <message>
        <source>Database: %1 (%2)</source>
        <translation>Base de données : %1 (%2)</translation>
    </message>
    <message>
        <source>Schema version: %1</source>
        <translation>Version du schéma : %1</translation>
    </message>
    <message>
        <source>Programme: %1</source>
        <translation>Programme : %1</translation>
    </message>
    <message>
        <source>Users: %1</source>
        <translation>Utilisateurs : %1</translation>
    </message>
    <message>
        <source>Households: %1</source>
        <translation>Foyers : %1</translation>
    </message>
    <message>
        <source>Persons: %1</source>
        <translation>Personnes : %1</translation>
    </message>
    <message>
        <source>Cards: %1</source>
        <translation>Cartes : %1</translation>
    </message>
    <message>
        <source>This database has no programme.</source>
        <translation>Cette base de données n’a pas de programme.</translation>
    </message>
    <message>
        <source>Create a new database with its programme and first administrator.</source>
        <translation>Créer une nouvelle base de données, avec son programme et un premier compte administrateur·rice.</translation>
    </message>
    <message>
        <source>Login of the first administrator.</source>
        <translation>Identifiant du premier compte administrateur·rice.</translation>
    </message>
    <message>
        <source>Name shown for the administrator.</source>
        <translation>Nom affiché pour l’administrateur·rice.</translation>
    </message>
    <message>
        <source>Programme settings (JSON, see docs/programme-json.md); default: 40 EUR per adult, 20 EUR per child a month, waves M0, M6, M12, M18.</source>
        <translation>Paramètres du programme (JSON, voir docs/programme-json.md) ; par défaut : 40 EUR par adulte et 20 EUR par enfant et par mois, vagues M0, M6, M12, M18.</translation>
    </message>
    <message>
        <source>Number of households, 1 to 100000 (default 60).</source>
        <translation>Nombre de foyers, de 1 à 100000 (60 par défaut).</translation>
    </message>
    <message>
        <source>Seed of the generator (default 2024): same seed, same data.</source>
        <translation>Graine du générateur (2024 par défaut) : même graine, mêmes données.</translation>
    </message>
    <message>
        <source>Show the database&apos;s schema version, programme and counts.</source>
        <translation>Afficher la version du schéma de la base de données, son programme et les effectifs.</translation>
    </message>
    <message>
        <source>text (default) or json.</source>
        <translation>text (par défaut) ou json.</translation>
    </message>
    <message>
        <source>Usage: cabas-cli [--db DB] [--user LOGIN --password-file FILE] COMMAND [ARGS]</source>
        <translation>Utilisation : cabas-cli [--db DB] [--user LOGIN --password-file FILE] COMMAND [ARGS]</translation>
    </message>
    <message>
        <source>Cabas: follow-up of sustainable food card programmes, from the command line.</source>
        <translation>Cabas : suivi des programmes carte alimentation durable, en ligne de commande.</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Commandes :</translation>
    </message>
    <message>
        <source>a file (SQLite) or postgresql://user@host:port/dbname; default $CABAS_DB</source>
        <translation>un fichier (SQLite) ou postgresql://user@host:port/dbname ; par défaut $CABAS_DB</translation>
    </message>
    <message>
        <source>log in as this user</source>
        <translation>se connecter sous cet identifiant</translation>
    </message>
    <message>
        <source>this help; COMMAND --help for a command&apos;s</source>
        <translation>cette aide ; COMMAND --help pour celle d’une commande</translation>
    </message>
    <message>
        <source>the version of Cabas</source>
        <translation>la version de Cabas</translation>
    </message>
    <message>
        <source>Exit status: 0 success, 1 failure (reason on stderr), 2 usage error.</source>
        <translation>Code de sortie : 0 succès, 1 échec (motif sur stderr), 2 erreur d’utilisation.</translation>
    </message>
    <message>
        <source>cabas-cli: no command given.</source>
        <translation>cabas-cli : aucune commande indiquée.</translation>
    </message>
    <message>
        <source>cabas-cli: unknown command &quot;%1&quot;.</source>
        <translation>cabas-cli : commande « %1 » inconnue.</translation>
    </message>
    <message>
        <source>See: cabas-cli %1 --help</source>
        <translation>Voir : cabas-cli %1 --help</translation>
    </message>
    <message>
        <source>missing argument: %1</source>
        <translation>argument manquant : %1</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation>argument inattendu « %1 »</translation>
    </message>
    <message>
        <source>this command needs a user: --user LOGIN (with --password-file FILE, or typed at the prompt)</source>
        <translation>cette commande nécessite un·e utilisateur·rice : --user LOGIN (avec --password-file FILE, ou mot de passe saisi à l’invite)</translation>
    </message>
    <message>
        <source>--user needs --password-file FILE when there is no terminal to ask on</source>
        <translation>--user nécessite --password-file FILE lorsqu’aucun terminal ne permet de demander le mot de passe</translation>
    </message>
    <message>
        <source>Password for %1: </source>
        <translation>Mot de passe de %1 : </translation>
    </message>
    <message>
        <source>--format must be one of %1, not &quot;%2&quot;</source>
        <translation>--format doit valoir %1, et non « %2 »</translation>
    </message>
    <message>
        <source>--password-file FILE is needed (the password of %1 on its first line)</source>
        <translation>--password-file FILE est nécessaire (avec le mot de passe de %1 sur sa première ligne)</translation>
    </message>
    <message>
        <source>New password for %1: </source>
        <translation>Nouveau mot de passe de %1 : </translation>
    </message>
    <message>
        <source>The same password again: </source>
        <translation>Le même mot de passe, à nouveau : </translation>
    </message>
    <message>
        <source>The two passwords differ; nothing was changed.</source>
        <translation>Les deux mots de passe sont différents ; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>--role must be one of social_worker, nurse, coordinator, admin</source>
        <translation>--role doit valoir social_worker, nurse, coordinator ou admin</translation>
    </message>
    <message>
        <source>User %1 added (%2).</source>
        <translation>Compte %1 ajouté (%2).</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>verrouillé</translation>
    </message>
    <message>
        <source>active</source>
        <translation>actif</translation>
    </message>
    <message>
        <source>User %1 disabled.</source>
        <translation>Compte %1 désactivé.</translation>
    </message>
    <message>
        <source>User %1 enabled.</source>
        <translation>Compte %1 réactivé.</translation>
    </message>
    <message>
        <source>Password of %1 changed; the account is unlocked.</source>
        <translation>Mot de passe de %1 modifié ; le compte est déverrouillé.</translation>
    </message>
    <message>
        <source>--since must be a date YYYY-MM-DD or DD/MM/YYYY, not &quot;%1&quot;</source>
        <translation>--since doit être une date au format AAAA-MM-JJ ou JJ/MM/AAAA, et non « %1 »</translation>
    </message>
    <message>
        <source>--limit must be a positive whole number, not &quot;%1&quot;</source>
        <translation>--limit doit être un nombre entier positif, et non « %1 »</translation>
    </message>
    <message>
        <source>Database roles ready: %1. Give each member of staff a login in their role&apos;s group, for example: CREATE ROLE anne LOGIN PASSWORD &apos;...&apos; IN ROLE %2;</source>
        <translation>Rôles de base de données prêts : %1. Donnez à chaque membre du personnel un identifiant dans le groupe de son rôle, par exemple : CREATE ROLE anne LOGIN PASSWORD &apos;...&apos; IN ROLE %2;</translation>
    </message>
    <message>
        <source>The administrator&apos;s password, on the file&apos;s first line.</source>
        <translation>Le mot de passe de l’administrateur·rice, sur la première ligne du fichier.</translation>
    </message>
    <message>
        <source>Fill a new database with a realistic demo programme (administrators).</source>
        <translation>Remplir une nouvelle base de données avec un programme de démonstration réaliste (administrateur·rices).</translation>
    </message>
    <message>
        <source>Show the programme settings as JSON.</source>
        <translation>Afficher les paramètres du programme en JSON.</translation>
    </message>
    <message>
        <source>Add a user (administrators).</source>
        <translation>Ajouter un·e utilisateur·rice (administrateur·rices).</translation>
    </message>
    <message>
        <source>social_worker, nurse, coordinator or admin.</source>
        <translation>social_worker, nurse, coordinator ou admin.</translation>
    </message>
    <message>
        <source>Name shown for the user.</source>
        <translation>Nom affiché pour l’utilisateur·rice.</translation>
    </message>
    <message>
        <source>The new user&apos;s password, on the file&apos;s first line.</source>
        <translation>Le mot de passe du nouveau compte, sur la première ligne du fichier.</translation>
    </message>
    <message>
        <source>List the users (administrators).</source>
        <translation>Lister les utilisateur·rices (administrateur·rices).</translation>
    </message>
    <message>
        <source>Disable a user: they can no longer log in; their history stays (administrators).</source>
        <translation>Désactiver un·e utilisateur·rice : il ou elle ne peut plus se connecter ; son historique est conservé (administrateur·rices).</translation>
    </message>
    <message>
        <source>Enable a disabled user (administrators).</source>
        <translation>Réactiver un·e utilisateur·rice désactivé·e (administrateur·rices).</translation>
    </message>
    <message>
        <source>Set a user&apos;s password and unlock the account (administrators; anyone for their own).</source>
        <translation>Définir le mot de passe d’un·e utilisateur·rice et déverrouiller le compte (administrateur·rices ; chacun·e pour son propre compte).</translation>
    </message>
    <message>
        <source>The new password, on the file&apos;s first line.</source>
        <translation>Le nouveau mot de passe, sur la première ligne du fichier.</translation>
    </message>
    <message>
        <source>Check the whole audit chain; name the first broken or missing record (administrators).</source>
        <translation>Vérifier toute la chaîne du journal d’audit ; indiquer le premier enregistrement altéré ou manquant (administrateur·rices).</translation>
    </message>
    <message>
        <source>List audit records, newest first (administrators).</source>
        <translation>Lister les enregistrements du journal d’audit, du plus récent au plus ancien (administrateur·rices).</translation>
    </message>
    <message>
        <source>Only records from this date (YYYY-MM-DD).</source>
        <translation>Uniquement les enregistrements à partir de cette date (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>Only this user&apos;s records.</source>
        <translation>Uniquement les enregistrements de cet·te utilisateur·rice.</translation>
    </message>
    <message>
        <source>Only records about this table.</source>
        <translation>Uniquement les enregistrements portant sur cette table.</translation>
    </message>
    <message>
        <source>At most this many records (default 1000).</source>
        <translation>Nombre maximal d’enregistrements (1000 par défaut).</translation>
    </message>
    <message>
        <source>text (default), csv or json.</source>
        <translation>text (par défaut), csv ou json.</translation>
    </message>
    <message>
        <source>PostgreSQL: create one database role per Cabas role, with the privileges of the access rules (administrators; run again after an upgrade).</source>
        <translation>PostgreSQL : créer un rôle de base de données par rôle Cabas, avec les privilèges des règles d’accès (administrateur·rices ; à relancer après une mise à jour).</translation>
    </message>
    <message>
        <source>Prefix of the role names (default cabas: cabas_nurse ...).</source>
        <translation>Préfixe des noms de rôles (cabas par défaut : cabas_nurse…).</translation>
    </message>
    <message>
        <source>Global options (before the command):</source>
        <translation>Options globales (avant la commande) :</translation>
    </message>
    <message>
        <source>file whose first line is that user&apos;s password (else asked on the terminal)</source>
        <translation>fichier dont la première ligne est le mot de passe de cet·te utilisateur·rice (sinon demandé dans le terminal)</translation>
    </message>
    <message>
        <source>Every command but init needs a user. --db, --user and --password-file may also follow the command, unless the command has an option of that name.</source>
        <translation>Toutes les commandes sauf init nécessitent un·e utilisateur·rice. --db, --user et --password-file peuvent aussi suivre la commande, sauf si celle-ci a une option du même nom.</translation>
    </message>
    <message>
        <source>Usage: cabas-cli [GLOBAL OPTIONS] %1 [OPTIONS]</source>
        <translation>Utilisation : cabas-cli [OPTIONS GLOBALES] %1 [OPTIONS]</translation>
    </message>
    <message>
        <source>Options:</source>
        <translation>Options :</translation>
    </message>
    <message>
        <source>cabas-cli: unknown option &quot;%1&quot;.</source>
        <translation>cabas-cli : option « %1 » inconnue.</translation>
    </message>
    <message>
        <source>cabas-cli: %1 needs a value.</source>
        <translation>cabas-cli : %1 nécessite une valeur.</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>avertissement : %1</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Rien n’a été importé.</translation>
    </message>
    <message>
        <source>Check only, nothing written. %1</source>
        <translation>Vérification seule, rien n’a été écrit. %1</translation>
    </message>
    <message>
        <source>Imported. %1</source>
        <translation>Import effectué. %1</translation>
    </message>
    <message>
        <source>Import households, members and cards from persons.csv: all or nothing, located errors, the same file twice changes nothing (social workers).</source>
        <translation>Importer les foyers, leurs membres et leurs cartes depuis persons.csv : tout ou rien, erreurs localisées, importer deux fois le même fichier ne change rien (travailleur·ses sociaux·ales).</translation>
    </message>
    <message>
        <source>Check the file and say what would change, without writing.</source>
        <translation>Vérifier le fichier et indiquer ce qui changerait, sans rien écrire.</translation>
    </message>
    <message>
        <source>Import health checkups from checkups.csv: all or nothing, located errors, consent checked (nurses).</source>
        <translation>Importer les bilans de santé depuis checkups.csv : tout ou rien, erreurs localisées, consentement vérifié (infirmier·ères).</translation>
    </message>
    <message>
        <source>Import diet questionnaires from questionnaires.csv: all or nothing, located errors, consent checked (nurses).</source>
        <translation>Importer les questionnaires alimentaires depuis questionnaires.csv : tout ou rien, erreurs localisées, consentement vérifié (infirmier·ères).</translation>
    </message>
    <message>
        <source>--status must be one of %1</source>
        <translation>--status doit valoir l’une des valeurs %1</translation>
    </message>
    <message>
        <source>The nurses&apos; work list: each wave of each consenting person with its window and status today (nurses).</source>
        <translation>La liste de travail des infirmier·ères : chaque vague de chaque personne ayant consenti, avec sa fenêtre et son statut aujourd’hui (infirmier·ères).</translation>
    </message>
    <message>
        <source>Only upcoming, due, overdue or done.</source>
        <translation>Seulement upcoming (à venir), due (à faire), overdue (en retard) ou done (fait).</translation>
    </message>
</context>
<context>
    <name>Consent</name>
    <message>
        <source>person: a consent belongs to a person</source>
        <translation>person: un consentement appartient à une personne</translation>
    </message>
    <message>
        <source>effective_on: the consent date is required</source>
        <translation>effective_on: la date du consentement est obligatoire</translation>
    </message>
    <message>
        <source>Case management</source>
        <translation>Accompagnement social</translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation>Suivi santé</translation>
    </message>
    <message>
        <source>Card ledger link</source>
        <translation>Lien avec le compte carte</translation>
    </message>
    <message>
        <source>Research export</source>
        <translation>Export pour la recherche</translation>
    </message>
</context>
<context>
    <name>CsvTable</name>
    <message>
        <source>%1: cannot be read: %2</source>
        <translation>%1 : lecture impossible : %2</translation>
    </message>
    <message>
        <source>%1:%2: the file is not in UTF-8; save it from the spreadsheet as &quot;CSV UTF-8&quot;.</source>
        <translation>%1:%2: le fichier n’est pas en UTF-8 ; enregistrez-le depuis le tableur au format « CSV UTF-8 ».</translation>
    </message>
    <message>
        <source>%1: the file is empty.</source>
        <translation>%1 : le fichier est vide.</translation>
    </message>
    <message>
        <source>%1:%2: a quote opened here is never closed.</source>
        <translation>%1:%2: un guillemet ouvert ici n’est jamais refermé.</translation>
    </message>
    <message>
        <source>%1:%2: %3 fields where the header has %4.</source>
        <translation>%1:%2: %3 champs alors que l’en-tête en a %4.</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>The SQLite driver for Qt is missing (Debian package libqt6sql6-sqlite).</source>
        <translation>Le pilote SQLite de Qt est absent (paquet Debian libqt6sql6-sqlite).</translation>
    </message>
    <message>
        <source>The PostgreSQL driver for Qt is missing (Debian package libqt6sql6-psql).</source>
        <translation>Le pilote PostgreSQL de Qt est absent (paquet Debian libqt6sql6-psql).</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Impossible d’ouvrir la base de données %1 : %2</translation>
    </message>
    <message>
        <source>Cannot connect to the PostgreSQL database %1: %2</source>
        <translation>Impossible de se connecter à la base de données PostgreSQL %1 : %2</translation>
    </message>
    <message>
        <source>%1 already exists: Cabas never overwrites a database when it creates one. Choose another file name, or open this one.</source>
        <translation>%1 existe déjà : Cabas n’écrase jamais une base de données en la créant. Choisissez un autre nom de fichier, ou ouvrez celle-ci.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Impossible de créer le dossier %1.</translation>
    </message>
    <message>
        <source>%1 is already a Cabas database: Cabas never overwrites a database when it creates one.</source>
        <translation>%1 est déjà une base de données Cabas : Cabas n’écrase jamais une base de données en la créant.</translation>
    </message>
    <message>
        <source>%1 does not exist. Create a database first (cabas-cli init, or the desktop app&apos;s first-run dialog).</source>
        <translation>%1 n’existe pas. Créez d’abord une base de données (cabas-cli init, ou la fenêtre de premier lancement de l’application de bureau).</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 n’est pas un fichier.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>%1 is not a Cabas database (it is not even an SQLite file).</source>
        <translation>%1 n’est pas une base de données Cabas (ce n’est même pas un fichier SQLite).</translation>
    </message>
    <message>
        <source>%1 was written by a newer version of Cabas (schema version %2; this version knows up to %3). Install the newer version of Cabas to open it; nothing was changed.</source>
        <translation>La base de données %1 a été écrite par une version plus récente de Cabas (version du schéma %2 ; cette version connaît jusqu’à la version %3). Installez la version plus récente de Cabas pour l’ouvrir ; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The database %1 changed version while it was open.</source>
        <translation>La base de données %1 a changé de version pendant qu’elle était ouverte.</translation>
    </message>
    <message>
        <source>%1: SQLite could not switch to write-ahead logging (WAL).</source>
        <translation>%1 : SQLite n’a pas pu passer en journalisation anticipée (WAL).</translation>
    </message>
    <message>
        <source>%1 is not a Cabas database; nothing was changed.</source>
        <translation>%1 n’est pas une base de données Cabas ; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>%1 is an empty database, not a Cabas database; create one with cabas-cli init.</source>
        <translation>%1 est une base de données vide, et non une base de données Cabas ; créez-en une avec cabas-cli init.</translation>
    </message>
    <message>
        <source>The database&apos;s schema version %1 cannot be brought to %2.</source>
        <translation>La version du schéma de la base de données (%1) ne peut pas être mise à niveau vers %2.</translation>
    </message>
    <message>
        <source>Migration %1 (%2) failed: %3</source>
        <translation>La migration %1 (%2) a échoué : %3</translation>
    </message>
    <message>
        <source>Database error: %1</source>
        <translation>Erreur de base de données : %1</translation>
    </message>
    <message>
        <source>Cannot start a transaction: %1</source>
        <translation>Impossible de démarrer une transaction : %1</translation>
    </message>
    <message>
        <source>The changes could not be saved: %1</source>
        <translation>Les modifications n’ont pas pu être enregistrées : %1</translation>
    </message>
</context>
<context>
    <name>DatabaseSpec</name>
    <message>
        <source>No database given: use --db FILE.cabas or --db postgresql://user@host:port/dbname (or set CABAS_DB).</source>
        <translation>Aucune base de données indiquée : utilisez --db FILE.cabas ou --db postgresql://user@host:port/dbname (ou définissez CABAS_DB).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a database Cabas knows: give a file path or a postgresql:// address.</source>
        <translation>« %1 » n’est pas une base de données que Cabas reconnaît : indiquez un chemin de fichier ou une adresse postgresql://.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid PostgreSQL address: expected postgresql://user:password@host:port/dbname.</source>
        <translation>« %1 » n’est pas une adresse PostgreSQL valide : format attendu postgresql://user:password@host:port/dbname.</translation>
    </message>
    <message>
        <source>The PostgreSQL port must be between 1 and 65535.</source>
        <translation>Le port PostgreSQL doit être compris entre 1 et 65535.</translation>
    </message>
    <message>
        <source>The PostgreSQL address must name a database: postgresql://user@%1:%2/dbname.</source>
        <translation>L’adresse PostgreSQL doit indiquer une base de données : postgresql://user@%1:%2/dbname.</translation>
    </message>
    <message>
        <source>Unknown PostgreSQL option &quot;%1&quot; (allowed: %2).</source>
        <translation>Option PostgreSQL « %1 » inconnue (options autorisées : %2).</translation>
    </message>
</context>
<context>
    <name>DemoGenerator</name>
    <message>
        <source>The demo can have from 1 to %1 households, not %2.</source>
        <translation>La démonstration peut compter de 1 à %1 foyers, et non %2.</translation>
    </message>
    <message>
        <source>This database already has households: the demo only fills a new, empty database (cabas-cli init, then cabas-cli demo).</source>
        <translation>Cette base de données contient déjà des foyers : la démonstration ne remplit qu’une base de données neuve et vide (cabas-cli init, puis cabas-cli demo).</translation>
    </message>
    <message>
        <source>This database has no programme; create it with cabas-cli init.</source>
        <translation>Cette base de données n’a pas de programme ; créez-la avec cabas-cli init.</translation>
    </message>
    <message>
        <source>Demo generation cancelled; nothing was written.</source>
        <translation>Génération de la démonstration annulée ; rien n’a été écrit.</translation>
    </message>
</context>
<context>
    <name>DietQuestionnaire</name>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>rarely</source>
        <translation>rarement</translation>
    </message>
    <message>
        <source>sometimes</source>
        <translation>parfois</translation>
    </message>
    <message>
        <source>often</source>
        <translation>souvent</translation>
    </message>
    <message>
        <source>always</source>
        <translation>toujours</translation>
    </message>
    <message>
        <source>person_code: the questionnaire belongs to a person</source>
        <translation>person_code: le questionnaire alimentaire doit être rattaché à une personne</translation>
    </message>
    <message>
        <source>date: the date of the questionnaire is required</source>
        <translation>date: la date du questionnaire alimentaire est obligatoire</translation>
    </message>
    <message>
        <source>wave: the follow-up wave (M0, M6 ...) is required</source>
        <translation>wave: la vague de suivi (M0, M6…) est obligatoire</translation>
    </message>
    <message>
        <source>fv_portions_per_day: must be between 0 and 30</source>
        <translation>fv_portions_per_day: doit être compris entre 0 et 30</translation>
    </message>
    <message>
        <source>discovered_sustainable_shop: is asked from M6 on, not at M0</source>
        <translation>discovered_sustainable_shop: n’est demandé qu’à partir de M6, pas à M0</translation>
    </message>
</context>
<context>
    <name>FollowUpSchedule</name>
    <message>
        <source>Upcoming</source>
        <translation>À venir</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>À faire</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>En retard</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fait</translation>
    </message>
</context>
<context>
    <name>HealthImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1 : la colonne %2 est manquante</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1 : colonne « %2 » inconnue ignorée</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a number</source>
        <translation>« %1 » n’est pas un nombre</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation>« %1 » n’est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)</translation>
    </message>
    <message>
        <source>%1 has a second checkup for %2 (also line %3)</source>
        <translation>%1 a un deuxième bilan de santé pour la vague %2 (aussi ligne %3)</translation>
    </message>
    <message>
        <source>%1 already has a checkup for %2 with other values; correct it in the person&apos;s health view</source>
        <translation>%1 a déjà un bilan de santé pour la vague %2 avec d’autres valeurs ; corrigez-le dans la vue santé de la personne</translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation>Rien n’a été importé :</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be never, rarely, sometimes, often or always (or jamais, rarement, parfois, souvent, toujours)</source>
        <translation>« %1 » doit être never, rarely, sometimes, often ou always (ou jamais, rarement, parfois, souvent, toujours)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be yes, no, oui, non or empty</source>
        <translation>« %1 » doit être yes, no, oui, non ou vide</translation>
    </message>
    <message>
        <source>%1 has a second questionnaire for %2 (also line %3)</source>
        <translation>%1 a un deuxième questionnaire alimentaire pour la vague %2 (aussi ligne %3)</translation>
    </message>
    <message>
        <source>%1 already has a questionnaire for %2 with other answers; correct it in the person&apos;s health view</source>
        <translation>%1 a déjà un questionnaire alimentaire pour la vague %2 avec d’autres réponses ; corrigez-le dans la vue santé de la personne</translation>
    </message>
</context>
<context>
    <name>HealthImportReport</name>
    <message>
        <source>%1 new records, %2 already there unchanged.</source>
        <translation>%1 nouvel(s) enregistrement(s), %2 déjà présent(s) et inchangé(s).</translation>
    </message>
</context>
<context>
    <name>HealthService</name>
    <message>
        <source>There is no person %1.</source>
        <translation>Aucune personne n’a le code %1.</translation>
    </message>
    <message>
        <source>%1 has no health follow-up consent on %2: no health record can be made for that date.</source>
        <translation>%1 n’a pas de consentement au suivi santé valable le %2 : aucune donnée de santé ne peut être enregistrée à cette date.</translation>
    </message>
    <message>
        <source>wave: %1 is not a follow-up wave of the programme.</source>
        <translation>wave: %1 n’est pas une vague de suivi du programme.</translation>
    </message>
</context>
<context>
    <name>Household</name>
    <message>
        <source>code: the household code is required</source>
        <translation>code: le code du foyer est obligatoire</translation>
    </message>
    <message>
        <source>code: &quot;%1&quot; is not a valid household code (letters, digits, - and _ only)</source>
        <translation>code: « %1 » n’est pas un code de foyer valide (lettres, chiffres, - et _ uniquement)</translation>
    </message>
    <message>
        <source>postcode: &quot;%1&quot; is not a French postcode (5 digits)</source>
        <translation>postcode: « %1 » n’est pas un code postal français (5 chiffres)</translation>
    </message>
    <message>
        <source>enrolled_on: an enrolled, suspended or exited household needs an enrolment date</source>
        <translation>enrolled_on: un foyer inscrit, suspendu ou sorti doit avoir une date d’inscription</translation>
    </message>
    <message>
        <source>exited_on: an exited household needs an exit date</source>
        <translation>exited_on: un foyer sorti doit avoir une date de sortie</translation>
    </message>
    <message>
        <source>exit_reason: an exited household needs an exit reason</source>
        <translation>exit_reason: un foyer sorti doit avoir un motif de sortie</translation>
    </message>
    <message>
        <source>exited_on: the exit date is before the enrolment date</source>
        <translation>exited_on: la date de sortie est antérieure à la date d’inscription</translation>
    </message>
    <message>
        <source>Candidate</source>
        <translation>Candidat</translation>
    </message>
    <message>
        <source>Enrolled</source>
        <translation>Inscrit</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspendu</translation>
    </message>
    <message>
        <source>Exited</source>
        <translation>Sorti</translation>
    </message>
</context>
<context>
    <name>HouseholdRepository</name>
    <message>
        <source>The household code %1 is already used: a code is never reused.</source>
        <translation>Le code de foyer %1 est déjà utilisé : un code n’est jamais réutilisé.</translation>
    </message>
    <message>
        <source>The household %1 was changed by someone else since you opened it; reload it to see their changes.</source>
        <translation>Le foyer %1 a été modifié par quelqu’un d’autre depuis que vous l’avez ouvert ; rechargez-le pour voir ces modifications.</translation>
    </message>
</context>
<context>
    <name>HouseholdService</name>
    <message>
        <source>There is no card %1.</source>
        <translation>Carte %1 introuvable.</translation>
    </message>
    <message>
        <source>There is no such person.</source>
        <translation>Cette personne est introuvable.</translation>
    </message>
</context>
<context>
    <name>ImportReport</name>
    <message>
        <source>Households: %1 new, %2 updated, %3 unchanged. Persons: %4 new, %5 updated, %6 unchanged. Cards: %7 new.</source>
        <translation>Foyers : %1 nouveau(x), %2 mis à jour, %3 inchangé(s). Personnes : %4 nouvelle(s), %5 mise(s) à jour, %6 inchangée(s). Cartes : %7 nouvelle(s).</translation>
    </message>
</context>
<context>
    <name>Passwords</name>
    <message>
        <source>Not enough memory to hash the password.</source>
        <translation>Mémoire insuffisante pour hacher le mot de passe.</translation>
    </message>
    <message>
        <source>the password must have at least 12 characters</source>
        <translation>le mot de passe doit comporter au moins 12 caractères</translation>
    </message>
    <message>
        <source>the password must mix at least three kinds of characters among lower case, upper case, digits and symbols</source>
        <translation>le mot de passe doit mêler au moins trois types de caractères parmi minuscules, majuscules, chiffres et symboles</translation>
    </message>
    <message>
        <source>Cannot read the password file %1: %2</source>
        <translation>Impossible de lire le fichier de mot de passe %1 : %2</translation>
    </message>
    <message>
        <source>The password file %1 is empty: its first line must be the password.</source>
        <translation>Le fichier de mot de passe %1 est vide : sa première ligne doit être le mot de passe.</translation>
    </message>
</context>
<context>
    <name>Person</name>
    <message>
        <source>person_code: the person code is required</source>
        <translation>person_code: le code de la personne est obligatoire</translation>
    </message>
    <message>
        <source>person_code: &quot;%1&quot; is not a valid person code</source>
        <translation>person_code: « %1 » n’est pas un code de personne valide</translation>
    </message>
    <message>
        <source>first_name: the first name is required</source>
        <translation>first_name: le prénom est obligatoire</translation>
    </message>
    <message>
        <source>last_name: the last name is required</source>
        <translation>last_name: le nom est obligatoire</translation>
    </message>
    <message>
        <source>birth_date: the birth date is required</source>
        <translation>birth_date: la date de naissance est obligatoire</translation>
    </message>
    <message>
        <source>birth_date: %1 is before 1900</source>
        <translation>birth_date: la date %1 est antérieure à 1900</translation>
    </message>
    <message>
        <source>left_on: the departure is before the arrival</source>
        <translation>left_on: la date de départ est antérieure à la date d’arrivée</translation>
    </message>
    <message>
        <source>arrived_on: the arrival is before the birth date</source>
        <translation>arrived_on: la date d’arrivée est antérieure à la date de naissance</translation>
    </message>
    <message>
        <source>Adult</source>
        <translation>Adulte</translation>
    </message>
    <message>
        <source>Child</source>
        <translation>Enfant</translation>
    </message>
</context>
<context>
    <name>PersonRepository</name>
    <message>
        <source>The person code %1 is already used: a code is never reused.</source>
        <translation>Le code de personne %1 est déjà utilisé : un code n’est jamais réutilisé.</translation>
    </message>
    <message>
        <source>%1 (%2) was changed by someone else since you opened it; reload to see their changes.</source>
        <translation>La fiche de %1 (%2) a été modifiée par quelqu’un d’autre depuis que vous l’avez ouverte ; rechargez-la pour voir ces modifications.</translation>
    </message>
</context>
<context>
    <name>PersonsImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1 : la colonne %2 est manquante</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1 : colonne « %2 » inconnue ignorée</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation>« %1 » n’est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be F, M or empty</source>
        <translation>« %1 » doit être F, M ou vide</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be adult or child</source>
        <translation>« %1 » doit être adult ou child</translation>
    </message>
    <message>
        <source>%1 is in the future</source>
        <translation>%1 est dans le futur</translation>
    </message>
    <message>
        <source>%1 appears twice (also line %2)</source>
        <translation>%1 apparaît deux fois (aussi ligne %2)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; differs from &quot;%2&quot; on line %3 for household %4</source>
        <translation>« %1 » diffère de « %2 » à la ligne %3 pour le foyer %4</translation>
    </message>
    <message>
        <source>the card %1 is also given to household %2</source>
        <translation>la carte %1 est aussi attribuée au foyer %2</translation>
    </message>
    <message>
        <source>the card %1 already belongs to another household</source>
        <translation>la carte %1 appartient déjà à un autre foyer</translation>
    </message>
    <message>
        <source>%1 already belongs to household %2; move people from the case file, not by import</source>
        <translation>%1 appartient déjà au foyer %2 ; déplacez les personnes depuis le dossier du foyer, pas par import</translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation>Rien n’a été importé :</translation>
    </message>
</context>
<context>
    <name>PgRoles</name>
    <message>
        <source>Database roles exist only on PostgreSQL; a SQLite file is protected by its file permissions.</source>
        <translation>Les rôles de base de données n’existent que sous PostgreSQL ; un fichier SQLite est protégé par ses droits d’accès au fichier.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid role prefix (lower-case letters, digits and _, starting with a letter).</source>
        <translation>« %1 » n’est pas un préfixe de rôle valide (lettres minuscules, chiffres et _, en commençant par une lettre).</translation>
    </message>
</context>
<context>
    <name>Programme</name>
    <message>
        <source>Sustainable food card programme</source>
        <translation>Programme carte alimentation durable</translation>
    </message>
    <message>
        <source>name: the programme needs a name</source>
        <translation>name: le programme doit avoir un nom</translation>
    </message>
    <message>
        <source>starts_on: the start date is required</source>
        <translation>starts_on: la date de début est obligatoire</translation>
    </message>
    <message>
        <source>ends_on: the end date is before the start date</source>
        <translation>ends_on: la date de fin est antérieure à la date de début</translation>
    </message>
    <message>
        <source>allowance.adult_cents: must not be negative</source>
        <translation>allowance.adult_cents: ne doit pas être négatif</translation>
    </message>
    <message>
        <source>allowance.child_cents: must not be negative</source>
        <translation>allowance.child_cents: ne doit pas être négatif</translation>
    </message>
    <message>
        <source>allowance.child_adult_age: must be between 1 and 30</source>
        <translation>allowance.child_adult_age: doit être compris entre 1 et 30</translation>
    </message>
    <message>
        <source>disclosure_threshold: must be between 1 and 1000</source>
        <translation>disclosure_threshold: doit être compris entre 1 et 1000</translation>
    </message>
    <message>
        <source>currency: &quot;%1&quot; is not a currency label (2 to 10 letters, such as EUR or MonA)</source>
        <translation>currency: « %1 » n’est pas un libellé de monnaie (2 à 10 lettres, comme EUR ou MonA)</translation>
    </message>
    <message>
        <source>household_code_prefix: &quot;%1&quot; must be 1 to 10 letters or digits</source>
        <translation>household_code_prefix: « %1 » doit comporter de 1 à 10 lettres ou chiffres</translation>
    </message>
    <message>
        <source>%1.label: the bonus rule needs a label</source>
        <translation>%1.label: la règle de bonus doit avoir un libellé</translation>
    </message>
    <message>
        <source>%1.rate_percent: must be between 0 and 1000</source>
        <translation>%1.rate_percent: doit être compris entre 0 et 1000</translation>
    </message>
    <message>
        <source>%1.monthly_cap_cents: must not be negative</source>
        <translation>%1.monthly_cap_cents: ne doit pas être négatif</translation>
    </message>
    <message>
        <source>%1.valid_from: the start of validity is required</source>
        <translation>%1.valid_from: le début de validité est obligatoire</translation>
    </message>
    <message>
        <source>%1.valid_to: the end of validity is before its start</source>
        <translation>%1.valid_to: la fin de validité est antérieure à son début</translation>
    </message>
    <message>
        <source>waves: the programme needs at least one follow-up wave (M0)</source>
        <translation>waves: le programme doit avoir au moins une vague de suivi (M0)</translation>
    </message>
    <message>
        <source>%1.code: the wave needs a code such as M6</source>
        <translation>%1.code: la vague doit avoir un code, comme M6</translation>
    </message>
    <message>
        <source>%1.code: the wave %2 appears twice</source>
        <translation>%1.code: la vague %2 apparaît deux fois</translation>
    </message>
    <message>
        <source>%1.offset_days: must be between 0 and 3650</source>
        <translation>%1.offset_days: doit être compris entre 0 et 3650</translation>
    </message>
    <message>
        <source>%1.tolerance_days: must be between 0 and 365</source>
        <translation>%1.tolerance_days: doit être compris entre 0 et 365</translation>
    </message>
    <message>
        <source>%1.offset_days: waves must come in increasing order of offset</source>
        <translation>%1.offset_days: les vagues doivent être classées par décalage croissant</translation>
    </message>
    <message>
        <source>sustainable_categories: &quot;%1&quot; is not a merchant category (%2)</source>
        <translation>sustainable_categories: « %1 » n’est pas une catégorie de commerçant (%2)</translation>
    </message>
    <message>
        <source>is required</source>
        <translation>est obligatoire</translation>
    </message>
    <message>
        <source>must be a string</source>
        <translation>doit être une chaîne de caractères</translation>
    </message>
    <message>
        <source>must be a date written YYYY-MM-DD</source>
        <translation>doit être une date au format AAAA-MM-JJ</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>doit être un nombre entier</translation>
    </message>
    <message>
        <source>unknown field</source>
        <translation>champ inconnu</translation>
    </message>
    <message>
        <source>is required, as an object with adult_cents and child_cents</source>
        <translation>est obligatoire, sous la forme d’un objet avec adult_cents et child_cents</translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation>doit être une liste</translation>
    </message>
    <message>
        <source>must be an object</source>
        <translation>doit être un objet</translation>
    </message>
    <message>
        <source>is required, as a number such as 50 or 12.5</source>
        <translation>est obligatoire, sous la forme d’un nombre comme 50 ou 12.5</translation>
    </message>
    <message>
        <source>has more than two decimals</source>
        <translation>a plus de deux décimales</translation>
    </message>
    <message>
        <source>is required, as a list of waves</source>
        <translation>est obligatoire, sous la forme d’une liste de vagues</translation>
    </message>
    <message>
        <source>must be a list of merchant categories</source>
        <translation>doit être une liste de catégories de commerçants</translation>
    </message>
</context>
<context>
    <name>ProgrammeRepository</name>
    <message>
        <source>The programme settings were changed by someone else meanwhile; reload them and try again.</source>
        <translation>Les paramètres du programme ont été modifiés entre-temps par quelqu’un d’autre ; rechargez-les et réessayez.</translation>
    </message>
</context>
<context>
    <name>QuestionnaireRepository</name>
    <message>
        <source>This person already has a diet questionnaire for wave %1.</source>
        <translation>Cette personne a déjà un questionnaire alimentaire pour la vague %1.</translation>
    </message>
</context>
<context>
    <name>Setup</name>
    <message>
        <source>password: %1</source>
        <translation>mot de passe : %1</translation>
    </message>
    <message>
        <source>programme: %1</source>
        <translation>programme : %1</translation>
    </message>
</context>
<context>
    <name>User</name>
    <message>
        <source>Social worker</source>
        <translation>Travailleur·se social·e</translation>
    </message>
    <message>
        <source>Nurse</source>
        <translation>Infirmier·ère</translation>
    </message>
    <message>
        <source>Coordinator</source>
        <translation>Coordinateur·rice</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrateur·rice</translation>
    </message>
    <message>
        <source>login: &quot;%1&quot; is not a valid login (2 to 32 lower-case letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;)</source>
        <translation>login: « %1 » n’est pas un identifiant valide (2 à 32 lettres minuscules, chiffres, « . », « _ » ou « - »)</translation>
    </message>
    <message>
        <source>display_name: the name shown for the user is required</source>
        <translation>display_name: le nom affiché de l’utilisateur est obligatoire</translation>
    </message>
</context>
<context>
    <name>UserRepository</name>
    <message>
        <source>The login &quot;%1&quot; is already taken.</source>
        <translation>L’identifiant « %1 » est déjà pris.</translation>
    </message>
</context>
<context>
    <name>UserService</name>
    <message>
        <source>The password is not strong enough: %1.</source>
        <translation>Le mot de passe n’est pas assez robuste : %1.</translation>
    </message>
    <message>
        <source>There is no user %1.</source>
        <translation>Aucun compte n’a l’identifiant %1.</translation>
    </message>
    <message>
        <source>%1 is the last active administrator: enable or add another administrator first.</source>
        <translation>%1 est le dernier compte administrateur·rice actif : réactivez ou ajoutez d’abord un autre compte administrateur·rice.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AdministrationPage</name>
    <message>
        <source>Administration</source>
        <translation>Administration</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Journal d’audit</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Every login, every change and every refused action, newest first. The records are chained by their hashes: any record changed, removed or added outside Cabas breaks the chain.</source>
        <translation>Chaque connexion, chaque modification et chaque action refusée, de la plus récente à la plus ancienne. Les enregistrements sont chaînés par leurs empreintes : tout enregistrement modifié, supprimé ou ajouté en dehors de Cabas rompt la chaîne.</translation>
    </message>
    <message>
        <source>&amp;Since</source>
        <translation>&amp;Depuis le</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Utilisateur :</translation>
    </message>
    <message>
        <source>All users</source>
        <translation>Tous les utilisateurs</translation>
    </message>
    <message>
        <source>&amp;Table:</source>
        <translation>&amp;Table :</translation>
    </message>
    <message>
        <source>All tables</source>
        <translation>Toutes les tables</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>&amp;Verify the chain</source>
        <translation>&amp;Vérifier la chaîne</translation>
    </message>
    <message>
        <source>Recompute every record&apos;s hash and check that the chain is complete.</source>
        <translation>Recalculer l’empreinte de chaque enregistrement et vérifier que la chaîne est complète.</translation>
    </message>
    <message>
        <source>The user accounts of this database. Adding users, disabling them and resetting passwords is done with cabas-cli for now.</source>
        <translation>Les comptes utilisateurs de cette base de données. Pour l’instant, l’ajout et la désactivation des comptes et la réinitialisation des mots de passe se font avec cabas-cli.</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Locked until</source>
        <translation>Verrouillé jusqu’au</translation>
    </message>
    <message>
        <source>The newest %1 records; narrow the filters to see older ones.</source>
        <translation>Les %1 enregistrements les plus récents ; affinez les filtres pour voir les plus anciens.</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s)</source>
        <translation>
            <numerusform>%n enregistrement</numerusform>
            <numerusform>%n enregistrements</numerusform>
        </translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>The audit trail is NOT intact. First bad record: %1. %2</source>
        <translation>Le journal d’audit n’est PAS intact. Premier enregistrement en défaut : n° %1. %2</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AuditTableModel</name>
    <message>
        <source>Create</source>
        <translation>Création</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Mise à jour</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Consultation</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>See figures</source>
        <translation>Consultation des chiffres</translation>
    </message>
    <message>
        <source>Publish figures</source>
        <translation>Publication des chiffres</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Déconnexion</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Désactivation</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Réactivation</translation>
    </message>
    <message>
        <source>Consent given</source>
        <translation>Consentement donné</translation>
    </message>
    <message>
        <source>Consent withdrawn</source>
        <translation>Consentement retiré</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Système</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Réussi</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Refusé</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échoué</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>N°</translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation>Date et heure</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Table</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Enregistrement</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
</context>
<context>
    <name>cabas::ui::FirstRunDialog</name>
    <message>
        <source>Cabas databases (*.cabas);;All files (*)</source>
        <translation>Bases de données Cabas (*.cabas);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Erreur inattendue : %1</translation>
    </message>
    <message>
        <source>Welcome to Cabas</source>
        <translation>Bienvenue dans Cabas</translation>
    </message>
    <message>
        <source>Cabas keeps its data in a database. Create a new one on this computer, open an existing one, or connect to your organisation&apos;s PostgreSQL server.</source>
        <translation>Cabas conserve ses données dans une base de données. Créez-en une nouvelle sur cet ordinateur, ouvrez une base existante, ou connectez-vous au serveur PostgreSQL de votre organisation.</translation>
    </message>
    <message>
        <source>Create a new database on this computer</source>
        <translation>Créer une nouvelle base de données sur cet ordinateur</translation>
    </message>
    <message>
        <source>Open an existing database file</source>
        <translation>Ouvrir un fichier de base de données existant</translation>
    </message>
    <message>
        <source>Connect to a PostgreSQL database</source>
        <translation>Se connecter à une base de données PostgreSQL</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Database file</source>
        <translation>Fichier de base de données</translation>
    </message>
    <message>
        <source>e.g. Healthy food for all, phase 2</source>
        <translation>par ex. Bien manger pour tous, phase 2</translation>
    </message>
    <message>
        <source>Programme name</source>
        <translation>Nom du programme</translation>
    </message>
    <message>
        <source>Administrator login</source>
        <translation>Identifiant de l’administrateur·rice</translation>
    </message>
    <message>
        <source>At least 12 characters</source>
        <translation>Au moins 12 caractères</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Confirm the password</source>
        <translation>Confirmation du mot de passe</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de données</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Empty: taken from PGPASSWORD or ~/.pgpass</source>
        <translation>Vide : pris dans PGPASSWORD ou ~/.pgpass</translation>
    </message>
    <message>
        <source>The password is never saved by Cabas. The database must already have been prepared with &quot;cabas-cli init&quot;.</source>
        <translation>Cabas n’enregistre jamais le mot de passe. La base de données doit déjà avoir été préparée avec « cabas-cli init ».</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Créer</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>New Cabas database</source>
        <translation>Nouvelle base de données Cabas</translation>
    </message>
    <message>
        <source>Open a Cabas database</source>
        <translation>Ouvrir une base de données Cabas</translation>
    </message>
    <message>
        <source>Choose where to save the new database.</source>
        <translation>Choisissez où enregistrer la nouvelle base de données.</translation>
    </message>
    <message>
        <source>Give a file path: a PostgreSQL database is prepared with &quot;cabas-cli init&quot;.</source>
        <translation>Indiquez un chemin de fichier : une base de données PostgreSQL se prépare avec « cabas-cli init ».</translation>
    </message>
    <message>
        <source>This file already exists: choose another name, or open it instead.</source>
        <translation>Ce fichier existe déjà : choisissez un autre nom, ou ouvrez-le plutôt.</translation>
    </message>
    <message>
        <source>Give the programme a name.</source>
        <translation>Donnez un nom au programme.</translation>
    </message>
    <message>
        <source>Choose the administrator&apos;s login.</source>
        <translation>Choisissez l’identifiant de l’administrateur·rice.</translation>
    </message>
    <message>
        <source>Choose the administrator&apos;s password.</source>
        <translation>Choisissez le mot de passe de l’administrateur·rice.</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>Les deux mots de passe sont différents.</translation>
    </message>
    <message>
        <source>Choose the database file to open.</source>
        <translation>Choisissez le fichier de base de données à ouvrir.</translation>
    </message>
    <message>
        <source>There is no file here.</source>
        <translation>Il n’y a aucun fichier à cet emplacement.</translation>
    </message>
    <message>
        <source>Give the server&apos;s name or address.</source>
        <translation>Indiquez le nom ou l’adresse du serveur.</translation>
    </message>
    <message>
        <source>Give the name of the database.</source>
        <translation>Indiquez le nom de la base de données.</translation>
    </message>
    <message>
        <source>The database could not be opened.</source>
        <translation>La base de données n’a pas pu être ouverte.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::FollowUpListModel</name>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>Consent withdrawn</source>
        <translation>Consentement retiré</translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</source>
        <translation>Consentement au suivi santé retiré : les enregistrements sont conservés, aucun nouvel enregistrement n’est possible.</translation>
    </message>
    <message>
        <source>Target %1, window from %2 to %3</source>
        <translation>Cible le %1, fenêtre du %2 au %3</translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn</source>
        <translation>Consentement au suivi santé retiré</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Foyer</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Vague</translation>
    </message>
    <message>
        <source>Target date</source>
        <translation>Date cible</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fenêtre</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthPage</name>
    <message>
        <source>Health follow-up</source>
        <translation>Suivi santé</translation>
    </message>
    <message>
        <source>The follow-up waves of the people who consented to the health follow-up, with their window and their status today. Double-click a row (or press Enter) to see the person&apos;s checkups and questionnaires.</source>
        <translation>Les vagues de suivi des personnes qui ont consenti au suivi santé, avec leur fenêtre et leur statut aujourd’hui. Double-cliquez sur une ligne (ou appuyez sur Entrée) pour voir les bilans de santé et les questionnaires de la personne.</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>&amp;Statut :</translation>
    </message>
    <message>
        <source>Due or overdue</source>
        <translation>À faire ou en retard</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tous</translation>
    </message>
    <message>
        <source>&amp;Commune:</source>
        <translation>&amp;Commune :</translation>
    </message>
    <message>
        <source>← &amp;Back to the work list</source>
        <translation>← &amp;Retour à la liste de travail</translation>
    </message>
    <message>
        <source>Consent to health follow-up withdrawn: the records are kept, no new record can be made.</source>
        <translation>Consentement au suivi santé retiré : les enregistrements sont conservés, aucun nouvel enregistrement n’est possible.</translation>
    </message>
    <message>
        <source>Checkups</source>
        <translation>Bilans de santé</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Vague</translation>
    </message>
    <message>
        <source>Weight (kg)</source>
        <translation>Poids (kg)</translation>
    </message>
    <message>
        <source>Height (cm)</source>
        <translation>Taille (cm)</translation>
    </message>
    <message>
        <source>BMI</source>
        <translation>IMC</translation>
    </message>
    <message>
        <source>Waist (cm)</source>
        <translation>Tour de taille (cm)</translation>
    </message>
    <message>
        <source>Blood pressure (mmHg)</source>
        <translation>Tension artérielle (mmHg)</translation>
    </message>
    <message>
        <source>Glucose (g/L)</source>
        <translation>Glycémie (g/L)</translation>
    </message>
    <message>
        <source>No checkup recorded.</source>
        <translation>Aucun bilan de santé enregistré.</translation>
    </message>
    <message>
        <source>Diet questionnaires</source>
        <translation>Questionnaires alimentaires</translation>
    </message>
    <message>
        <source>Fruit and vegetable portions a day</source>
        <translation>Portions de fruits et légumes par jour</translation>
    </message>
    <message>
        <source>Organic fruit and vegetables</source>
        <translation>Fruits et légumes bio</translation>
    </message>
    <message>
        <source>Local products</source>
        <translation>Produits locaux</translation>
    </message>
    <message>
        <source>Organic products</source>
        <translation>Produits bio</translation>
    </message>
    <message>
        <source>Discovered a sustainable shop</source>
        <translation>A découvert un commerce durable</translation>
    </message>
    <message>
        <source>No questionnaire recorded.</source>
        <translation>Aucun questionnaire enregistré.</translation>
    </message>
    <message>
        <source>Cannot read the work list: %1</source>
        <translation>Impossible de lire la liste de travail : %1</translation>
    </message>
    <message>
        <source>All communes</source>
        <translation>Toutes les communes</translation>
    </message>
    <message numerus="yes">
        <source>%n wave(s)</source>
        <translation>
            <numerusform>%n vague</numerusform>
            <numerusform>%n vagues</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n wave(s)</source>
        <translation>
            <numerusform>%1 sur %n vague</numerusform>
            <numerusform>%1 sur %n vagues</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Cannot read the health records: %1</source>
        <translation>Impossible de lire les données de santé : %1</translation>
    </message>
    <message>
        <source>Answered on %1</source>
        <translation>Répondu le %1</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HomePage</name>
    <message>
        <source>Households</source>
        <translation>Foyers</translation>
    </message>
    <message>
        <source>Persons</source>
        <translation>Personnes</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cartes</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Programme rules</source>
        <translation>Règles du programme</translation>
    </message>
    <message>
        <source>Monthly allowance per adult</source>
        <translation>Allocation mensuelle par adulte</translation>
    </message>
    <message>
        <source>Monthly allowance per child</source>
        <translation>Allocation mensuelle par enfant</translation>
    </message>
    <message>
        <source>Counted as an adult from</source>
        <translation>Compté comme adulte à partir de</translation>
    </message>
    <message>
        <source>Bonus on sustainable purchases</source>
        <translation>Bonus sur les achats durables</translation>
    </message>
    <message>
        <source>Follow-up waves</source>
        <translation>Vagues de suivi</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de données</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Emplacement</translation>
    </message>
    <message>
        <source>Schema version</source>
        <translation>Version du schéma</translation>
    </message>
    <message>
        <source>Household codes</source>
        <translation>Codes des foyers</translation>
    </message>
    <message>
        <source>Smallest group in results</source>
        <translation>Plus petit groupe dans les résultats</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>Aucune base de données ouverte</translation>
    </message>
    <message>
        <source>No programme defined</source>
        <translation>Aucun programme défini</translation>
    </message>
    <message>
        <source>From %1 to %2</source>
        <translation>Du %1 au %2</translation>
    </message>
    <message>
        <source>From %1 (no planned end)</source>
        <translation>À partir du %1 (sans date de fin prévue)</translation>
    </message>
    <message>
        <source>the age of %1</source>
        <translation>l’âge de %1 ans</translation>
    </message>
    <message>
        <source>%1 people</source>
        <translation>%1 personnes</translation>
    </message>
    <message>
        <source>%1: day %2 (± %3 days)</source>
        <translation>%1 : jour %2 (± %3 jours)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>%1 %: %2 (%3 to %4)</source>
        <translation>%1 % : %2 (du %3 au %4)</translation>
    </message>
    <message>
        <source>%1 %: %2 (from %3)</source>
        <translation>%1 % : %2 (à partir du %3)</translation>
    </message>
    <message>
        <source>capped at %1 a month</source>
        <translation>plafonné à %1 par mois</translation>
    </message>
    <message>
        <source>Cannot read the database: %1</source>
        <translation>Impossible de lire la base de données : %1</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HouseholdTableModel</name>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Enrolled on</source>
        <translation>Date d’inscription</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
</context>
<context>
    <name>cabas::ui::LoginDialog</name>
    <message>
        <source>Log in to Cabas</source>
        <translation>Se connecter à Cabas</translation>
    </message>
    <message>
        <source>PostgreSQL database: %1</source>
        <translation>Base de données PostgreSQL : %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de données : %1</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Identifiant :</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>Log &amp;in</source>
        <translation>Se &amp;connecter</translation>
    </message>
    <message>
        <source>Another &amp;database…</source>
        <translation>Autre &amp;base de données…</translation>
    </message>
    <message>
        <source>Enter your login and your password.</source>
        <translation>Saisissez votre identifiant et votre mot de passe.</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Erreur inattendue : %1</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;New database…</source>
        <translation>&amp;Nouvelle base de données…</translation>
    </message>
    <message>
        <source>&amp;Open a database…</source>
        <translation>&amp;Ouvrir une base de données…</translation>
    </message>
    <message>
        <source>&amp;Connect to PostgreSQL…</source>
        <translation>Se &amp;connecter à PostgreSQL…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Paramètres</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About Cabas</source>
        <translation>À &amp;propos de Cabas</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Accueil</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Foyers</translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation>Suivi santé</translation>
    </message>
    <message>
        <source>Workshops</source>
        <translation>Ateliers</translation>
    </message>
    <message>
        <source>Farm visits, cooking, market and bread-making workshops: the calendar, the places left, registrations and who attended.</source>
        <translation>Visites de ferme, ateliers cuisine, marché et fabrication du pain : le calendrier, les places restantes, les inscriptions et les présences.</translation>
    </message>
    <message>
        <source>Card ledger</source>
        <translation>Compte carte</translation>
    </message>
    <message>
        <source>The movements on each household&apos;s card, synced from the card operator: monthly allowances, purchases by kind of shop, bonuses on sustainable purchases.</source>
        <translation>Les mouvements sur la carte de chaque foyer, synchronisés depuis l’opérateur de la carte : allocations mensuelles, achats par type de commerce, bonus sur les achats durables.</translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation>Cohorte</translation>
    </message>
    <message>
        <source>The evaluation&apos;s indicators wave by wave (diet, health measurements, sustainable spending), with small groups hidden, and pseudonymised exports.</source>
        <translation>Les indicateurs de l’évaluation vague par vague (alimentation, mesures de santé, dépenses durables), avec masquage des petits groupes, et les exports pseudonymisés.</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Administration</translation>
    </message>
    <message>
        <source>Coming soon</source>
        <translation>À venir</translation>
    </message>
    <message>
        <source>This section is not available in this version of Cabas yet.</source>
        <translation>Cette section n’est pas encore disponible dans cette version de Cabas.</translation>
    </message>
    <message>
        <source>Cannot read the households: %1</source>
        <translation>Impossible de lire les foyers : %1</translation>
    </message>
    <message>
        <source>Total: %1</source>
        <translation>Total : %1</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>Aucune base de données ouverte</translation>
    </message>
    <message>
        <source>PostgreSQL database: %1</source>
        <translation>Base de données PostgreSQL : %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de données : %1</translation>
    </message>
    <message>
        <source>Schema version %1</source>
        <translation>Version du schéma %1</translation>
    </message>
    <message>
        <source>New database</source>
        <translation>Nouvelle base de données</translation>
    </message>
    <message>
        <source>Create a new Cabas database. The database open now is left as it is.</source>
        <translation>Créez une nouvelle base de données Cabas. La base de données actuellement ouverte reste telle quelle.</translation>
    </message>
    <message>
        <source>Open a Cabas database</source>
        <translation>Ouvrir une base de données Cabas</translation>
    </message>
    <message>
        <source>Cabas databases (*.cabas);;All files (*)</source>
        <translation>Bases de données Cabas (*.cabas);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation>Impossible d’ouvrir la base de données</translation>
    </message>
    <message>
        <source>Connect to PostgreSQL</source>
        <translation>Se connecter à PostgreSQL</translation>
    </message>
    <message>
        <source>Connect to a Cabas database on a PostgreSQL server. The password is never saved.</source>
        <translation>Connectez-vous à une base de données Cabas sur un serveur PostgreSQL. Le mot de passe n’est jamais enregistré.</translation>
    </message>
    <message>
        <source>Cabas will be in French the next time it starts.</source>
        <translation>Cabas sera en français au prochain démarrage.</translation>
    </message>
    <message>
        <source>Cabas will be in English the next time it starts.</source>
        <translation>Cabas sera en anglais au prochain démarrage.</translation>
    </message>
    <message>
        <source>The CABAS_LANG environment variable is set: it chooses the language before this setting.</source>
        <translation>La variable d’environnement CABAS_LANG est définie : elle choisit la langue en priorité sur ce réglage.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>About Cabas</source>
        <translation>À propos de Cabas</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Cabas %1&lt;/h3&gt;&lt;p&gt;Cabas helps the teams of sustainable food card programmes follow their households, the health follow-up, the workshops, the card ledger and the cohort&apos;s evaluation.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Cabas %1&lt;/h3&gt;&lt;p&gt;Cabas aide les équipes des programmes carte alimentation durable à suivre leurs foyers et à gérer le suivi santé, les ateliers, le compte carte et l’évaluation de la cohorte.&lt;/p&gt;&lt;p&gt;Conçu avec Qt %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>S&amp;witch user…</source>
        <translation>Changer d’&amp;utilisateur…</translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation>Se &amp;déconnecter</translation>
    </message>
    <message>
        <source>The households of the programme, by code; choose one to see its members. Searching, enrolling and editing households come with the next versions.</source>
        <translation>Les foyers du programme, par code ; choisissez-en un pour voir ses membres. La recherche, l’inscription et la modification des foyers arriveront dans les prochaines versions.</translation>
    </message>
    <message>
        <source>Your role sees the households by code only: names and addresses are not shown.</source>
        <translation>Votre rôle ne voit les foyers que par leur code : les noms et adresses ne sont pas affichés.</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Prénom</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Born on</source>
        <translation>Date de naissance</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Access denied</source>
        <translation>Accès refusé</translation>
    </message>
    <message>
        <source>Nobody is logged in: log in to see this section.</source>
        <translation>Personne n’est connecté : connectez-vous pour voir cette section.</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Membres de %1</translation>
    </message>
    <message>
        <source>You are logged in as %1 (%2). This section is for the roles that may read it: another user can log in with File &gt; Switch user.</source>
        <translation>Vous êtes connecté·e en tant que %1 (%2). Cette section est réservée aux rôles autorisés à la consulter : un·e autre utilisateur·rice peut se connecter avec Fichier &gt; Changer d’utilisateur.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Logged in as %1</source>
        <translation>Connecté·e en tant que %1</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>Changer d’utilisateur</translation>
    </message>
    <message>
        <source>Log in as another user. If you cancel, %1 stays logged in.</source>
        <translation>Connectez-vous sous un autre compte. Si vous annulez, %1 reste connecté·e.</translation>
    </message>
    <message>
        <source>You are logged out. Log in to go on, or cancel to quit Cabas.</source>
        <translation>Vous êtes déconnecté·e. Connectez-vous pour continuer, ou annulez pour quitter Cabas.</translation>
    </message>
    <message>
        <source>Log in to the database you opened. If you cancel, the database open now stays open.</source>
        <translation>Connectez-vous à la base de données que vous avez ouverte. Si vous annulez, la base de données actuellement ouverte le reste.</translation>
    </message>
    <message>
        <source>Members (choose a household above)</source>
        <translation>Membres (choisissez un foyer ci-dessus)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The database used last (%1) cannot be used: %2</source>
        <translation>La dernière base de données utilisée (%1) est inutilisable : %2</translation>
    </message>
    <message>
        <source>The database used last could not be opened:
%1</source>
        <translation>La dernière base de données utilisée n’a pas pu être ouverte :
%1</translation>
    </message>
    <message>
        <source>Cabas: follow-up of sustainable food card programmes.</source>
        <translation>Cabas : suivi des programmes carte alimentation durable.</translation>
    </message>
    <message>
        <source>Open this database (a .cabas file or a postgresql:// address); create nothing.</source>
        <translation>Ouvrir cette base de données (un fichier .cabas ou une adresse postgresql://) ; ne rien créer.</translation>
    </message>
    <message>
        <source>Show this section first: %1.</source>
        <translation>Afficher d’abord cette section : %1.</translation>
    </message>
    <message>
        <source>unknown section &quot;%1&quot; (expected one of: %2)</source>
        <translation>section « %1 » inconnue (valeurs attendues : %2)</translation>
    </message>
    <message>
        <source>Cabas</source>
        <translation>Cabas</translation>
    </message>
    <message>
        <source>Cannot open the database:
%1</source>
        <translation>Impossible d’ouvrir la base de données :
%1</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>impossible d’écrire %1</translation>
    </message>
    <message>
        <source>Log in as LOGIN: with --password-file, without the login dialog; without it, the login dialog opens with LOGIN filled in.</source>
        <translation>Se connecter sous l’identifiant LOGIN : avec --password-file, sans passer par la fenêtre de connexion ; sinon, la fenêtre de connexion s’ouvre avec LOGIN déjà rempli.</translation>
    </message>
    <message>
        <source>The password of --user, on the first line of FILE.</source>
        <translation>Le mot de passe de --user, sur la première ligne de FILE.</translation>
    </message>
    <message>
        <source>Save a picture to FILE.png once it is shown, then quit: of the main window when --user and --password-file log in; of the login dialog with --db alone; of the first-run dialog without --db.</source>
        <translation>Enregistrer une capture dans FILE.png une fois l’affichage terminé, puis quitter : de la fenêtre principale quand --user et --password-file permettent de se connecter ; de la fenêtre de connexion avec --db seul ; de la fenêtre de premier lancement sans --db.</translation>
    </message>
    <message>
        <source>--password-file needs --user LOGIN</source>
        <translation>--password-file nécessite --user LOGIN</translation>
    </message>
</context>
</TS>
