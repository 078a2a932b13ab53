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
    <name>AttendanceImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1: la colonne %2 est manquante</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: colonne « %2 » inconnue ignorée</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (YYYY-MM-DD or DD/MM/YYYY)</source>
        <translation>« %1 » n’est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)</translation>
    </message>
    <message>
        <source>%1 is in the future: attendance is recorded on the day or after</source>
        <translation>%1 est dans le futur : la présence s’enregistre le jour même ou après</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be one of %2</source>
        <translation>« %1 » doit être l’une des valeurs %2</translation>
    </message>
    <message>
        <source>the workshop&apos;s title is required</source>
        <translation>le titre de l’atelier est obligatoire</translation>
    </message>
    <message>
        <source>at most 200 characters</source>
        <translation>200 caractères au maximum</translation>
    </message>
    <message>
        <source>the person&apos;s code is required</source>
        <translation>le code de la personne est obligatoire</translation>
    </message>
    <message>
        <source>there is no person %1</source>
        <translation>aucune personne n’a le code %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be yes, no, oui or non</source>
        <translation>« %1 » doit être yes, no, oui ou non</translation>
    </message>
    <message>
        <source>%1 is listed twice for this workshop (also line %2)</source>
        <translation>%1 figure deux fois pour cet atelier (aussi ligne %2)</translation>
    </message>
    <message>
        <source>the workshop &quot;%1&quot; was cancelled: no attendance can be recorded</source>
        <translation>l’atelier « %1 » a été annulé : aucune présence ne peut être enregistrée</translation>
    </message>
    <message>
        <source>Nothing was imported:</source>
        <translation>Rien n’a été importé :</translation>
    </message>
    <message>
        <source>import %1</source>
        <translation>import %1</translation>
    </message>
</context>
<context>
    <name>AttendanceImportReport</name>
    <message>
        <source>%1 new workshops, %2 new attendances, %3 updated, %4 already there unchanged.</source>
        <translation>%1 nouvel(s) atelier(s), %2 nouvelle(s) présence(s), %3 mise(s) à jour, %4 déjà présente(s) et inchangée(s).</translation>
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
    <message>
        <source>The account %1 has no key slot in this database&apos;s key ring (it was made before the key ring): an administrator must set a new password for it, then it can log in.</source>
        <translation>Le compte %1 n’a pas d’emplacement dans le trousseau de clés de cette base de données (il a été créé avant le trousseau) : un·e administrateur·rice doit lui définir un nouveau mot de passe, puis il pourra se connecter.</translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <source>Backup failed: no SQLite connection.</source>
        <translation>Échec de la sauvegarde : aucune connexion SQLite.</translation>
    </message>
    <message>
        <source>Backup failed: %1</source>
        <translation>Échec de la sauvegarde : %1</translation>
    </message>
    <message>
        <source>The backup was cancelled; no file was written.</source>
        <translation>La sauvegarde a été annulée ; aucun fichier n’a été écrit.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Impossible d’ouvrir %1 : %2</translation>
    </message>
    <message>
        <source>%1 is not installed; it is needed to back up or restore a PostgreSQL database (Debian: postgresql-client).</source>
        <translation>%1 n’est pas installé ; il est nécessaire pour sauvegarder ou restaurer une base de données PostgreSQL (Debian : postgresql-client).</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>Impossible de démarrer %1 : %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 a échoué : %2</translation>
    </message>
    <message>
        <source>%1 already exists; choose another name (a backup never replaces a file).</source>
        <translation>%1 existe déjà ; choisissez un autre nom (une sauvegarde ne remplace jamais un fichier).</translation>
    </message>
    <message>
        <source>The folder of %1 does not exist.</source>
        <translation>Le dossier de %1 n’existe pas.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>%1 is not a file.</source>
        <translation>%1 n’est pas un fichier.</translation>
    </message>
    <message>
        <source>%1 is not a backup of a Cabas database on SQLite.</source>
        <translation>%1 n’est pas une sauvegarde d’une base de données Cabas sous SQLite.</translation>
    </message>
    <message>
        <source>Cannot connect to %1 to restore into it; create the empty database first.</source>
        <translation>Impossible de se connecter à %1 pour y effectuer la restauration ; créez d’abord la base de données vide.</translation>
    </message>
    <message>
        <source>%1 is not empty; a backup is restored only into an empty database.</source>
        <translation>%1 n’est pas vide ; une sauvegarde ne se restaure que dans une base de données vide.</translation>
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
    <message>
        <source>effective_on: the date of the card change is required</source>
        <translation>effective_on: la date du changement de carte est obligatoire</translation>
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
    <message>
        <source>This checkup was corrected by someone else since you opened it; reopen it to see their values.</source>
        <translation>Ce bilan de santé a été corrigé par quelqu’un d’autre depuis que vous l’avez ouvert ; rouvrez-le pour voir ces valeurs.</translation>
    </message>
    <message>
        <source>reason: a correction needs its reason</source>
        <translation>reason: une correction doit avoir un motif</translation>
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
    <message>
        <source>FILE (where to write the backup)</source>
        <translation>FILE (où écrire la sauvegarde)</translation>
    </message>
    <message>
        <source>Backup: %1 %</source>
        <translation>Sauvegarde : %1 %</translation>
    </message>
    <message>
        <source>Backup written to %1 (%2 bytes).</source>
        <translation>Sauvegarde écrite dans %1 (%2 octets).</translation>
    </message>
    <message>
        <source>BACKUP (the file to restore)</source>
        <translation>BACKUP (la sauvegarde à restaurer)</translation>
    </message>
    <message>
        <source>restore needs --to DB: a new file, or an empty PostgreSQL database</source>
        <translation>restore nécessite --to DB : un nouveau fichier, ou une base de données PostgreSQL vide</translation>
    </message>
    <message>
        <source>restore needs --user LOGIN: an administrator of the backed-up database</source>
        <translation>restore nécessite --user LOGIN : un·e administrateur·rice de la base de données sauvegardée</translation>
    </message>
    <message>
        <source>Restored %1 into %2.</source>
        <translation>Sauvegarde %1 restaurée dans %2.</translation>
    </message>
    <message>
        <source>Write a consistent backup of the database to FILE, which must not exist (administrators; SQLite&apos;s online backup, or pg_dump).</source>
        <translation>Écrire une sauvegarde cohérente de la base de données dans FILE, qui ne doit pas exister (administrateur·rices ; sauvegarde à chaud de SQLite, ou pg_dump).</translation>
    </message>
    <message>
        <source>Restore BACKUP into a new database (--to), after checking that --user is one of its administrators.</source>
        <translation>Restaurer BACKUP dans une nouvelle base de données (--to), après avoir vérifié que --user en est l’un·e des administrateur·rices.</translation>
    </message>
    <message>
        <source>The new database: a file that does not exist yet, or an empty PostgreSQL database.</source>
        <translation>La nouvelle base de données : un fichier qui n’existe pas encore, ou une base de données PostgreSQL vide.</translation>
    </message>
    <message>
        <source>--%1 YYYY-MM-DD is needed</source>
        <translation>--%1 AAAA-MM-JJ est nécessaire</translation>
    </message>
    <message>
        <source>--%1: &quot;%2&quot; is not a date YYYY-MM-DD</source>
        <translation>--%1 : « %2 » n’est pas une date au format AAAA-MM-JJ</translation>
    </message>
    <message>
        <source>--to is before --from</source>
        <translation>--to est antérieur à --from</translation>
    </message>
    <message>
        <source>--disclosure must be internal or public, not &quot;%1&quot;</source>
        <translation>--disclosure doit valoir internal ou public, et non « %1 »</translation>
    </message>
    <message>
        <source>--format %1 needs --out FILE</source>
        <translation>--format %1 nécessite --out FILE</translation>
    </message>
    <message>
        <source>This cabas-cli was built without the desktop libraries: no PDF reports (use json, csv or xlsx).</source>
        <translation>Ce cabas-cli a été compilé sans les bibliothèques de bureau : pas de rapports PDF (utilisez json, csv ou xlsx).</translation>
    </message>
    <message>
        <source>Cohort summary written to %1.</source>
        <translation>Synthèse de la cohorte écrite dans %1.</translation>
    </message>
    <message>
        <source>--out FILE is needed</source>
        <translation>--out FILE est nécessaire</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) written to %1.</source>
        <translation>
            <numerusform>%n ligne écrite dans %1.</numerusform>
            <numerusform>%n lignes écrites dans %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>First day of the period (YYYY-MM-DD).</source>
        <translation>Premier jour de la période (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>Last day of the period (YYYY-MM-DD).</source>
        <translation>Dernier jour de la période (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>Only households of this commune.</source>
        <translation>Uniquement les foyers de cette commune.</translation>
    </message>
    <message>
        <source>Only households of this referent (login).</source>
        <translation>Uniquement les foyers de ce référent (identifiant).</translation>
    </message>
    <message>
        <source>Only households with this status today.</source>
        <translation>Uniquement les foyers ayant ce statut aujourd’hui.</translation>
    </message>
    <message>
        <source>json (default), csv, xlsx or pdf.</source>
        <translation>json (par défaut), csv, xlsx ou pdf.</translation>
    </message>
    <message>
        <source>Write to this file (JSON and CSV go to the output without it).</source>
        <translation>Écrire dans ce fichier (sans cette option, JSON et CSV sont écrits sur la sortie standard).</translation>
    </message>
    <message>
        <source>internal (default) or public (small cells suppressed; coordinators).</source>
        <translation>internal (par défaut) ou public (petits effectifs masqués ; coordinateur·rices).</translation>
    </message>
    <message>
        <source>csv (default) or xlsx.</source>
        <translation>csv (par défaut) ou xlsx.</translation>
    </message>
    <message>
        <source>The file to write.</source>
        <translation>Le fichier à écrire.</translation>
    </message>
    <message>
        <source>Cohort indicators and series for a period (docs/cohort.md).</source>
        <translation>Indicateurs et séries de la cohorte sur une période (docs/cohort.md).</translation>
    </message>
    <message>
        <source>The evaluators&apos; pseudonymised dataset: one row per person and wave, research consent only (coordinators).</source>
        <translation>Le jeu de données pseudonymisé des évaluateurs : une ligne par personne et par vague, uniquement les personnes ayant consenti à la recherche (coordinateur·rices).</translation>
    </message>
    <message>
        <source>--%1 DATE is required</source>
        <translation>--%1 DATE est obligatoire</translation>
    </message>
    <message>
        <source>--%1: &quot;%2&quot; is not a date (YYYY-MM-DD)</source>
        <translation>--%1 : « %2 » n’est pas une date (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <source>--type must be one of %1</source>
        <translation>--type doit valoir l’une des valeurs %1</translation>
    </message>
    <message>
        <source>Prevention step recorded for %1.</source>
        <translation>Démarche de prévention enregistrée pour %1.</translation>
    </message>
    <message>
        <source>Note: %1 withdrew the health follow-up consent; no new record can be made.</source>
        <translation>Remarque : %1 a retiré son consentement au suivi santé ; aucun nouvel enregistrement n’est possible.</translation>
    </message>
    <message>
        <source>give either a PERSON_CODE or --household CODE</source>
        <translation>indiquez soit un PERSON_CODE, soit --household CODE</translation>
    </message>
    <message>
        <source>--topic TEXT is required</source>
        <translation>--topic TEXT est obligatoire</translation>
    </message>
    <message>
        <source>Support session recorded for %1.</source>
        <translation>Accompagnement individuel enregistré pour %1.</translation>
    </message>
    <message>
        <source>Notes.</source>
        <translation>Notes.</translation>
    </message>
    <message>
        <source>Record a prevention step for a person (nurses; health follow-up consent on its date).</source>
        <translation>Enregistrer une démarche de prévention pour une personne (infirmier·ères ; consentement au suivi santé requis à sa date).</translation>
    </message>
    <message>
        <source>The date of the step (YYYY-MM-DD).</source>
        <translation>La date de la démarche (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>screening_referral, vaccination, dental, nutrition_advice, physical_activity or other.</source>
        <translation>screening_referral, vaccination, dental, nutrition_advice, physical_activity ou other.</translation>
    </message>
    <message>
        <source>The partner: CPAM, ARS, MSA, CAF, GP ...</source>
        <translation>Le partenaire : CPAM, ARS, MSA, CAF, médecin traitant…</translation>
    </message>
    <message>
        <source>What came of it.</source>
        <translation>Ce qui en est ressorti.</translation>
    </message>
    <message>
        <source>When the next step is due (YYYY-MM-DD).</source>
        <translation>Date à laquelle la prochaine démarche est à faire (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>A person&apos;s prevention steps (nurses; the reading is audited).</source>
        <translation>Les démarches de prévention d’une personne (infirmier·ères ; la consultation est inscrite au journal d’audit).</translation>
    </message>
    <message>
        <source>Record an individual support session with a person, or with a household (--household).</source>
        <translation>Enregistrer un accompagnement individuel avec une personne, ou avec un foyer (--household).</translation>
    </message>
    <message>
        <source>A session with this whole household.</source>
        <translation>Un accompagnement avec l’ensemble de ce foyer.</translation>
    </message>
    <message>
        <source>The date of the session (YYYY-MM-DD).</source>
        <translation>La date de l’accompagnement (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>The topic of the session.</source>
        <translation>Le thème de l’accompagnement.</translation>
    </message>
    <message>
        <source>A person&apos;s support sessions and their household&apos;s (nurses; the reading is audited).</source>
        <translation>Les accompagnements individuels d’une personne et ceux de son foyer (infirmier·ères ; la consultation est inscrite au journal d’audit).</translation>
    </message>
    <message>
        <source>--status must be one of candidate, enrolled, suspended, exited</source>
        <translation>--status doit valoir candidate, enrolled, suspended ou exited</translation>
    </message>
    <message>
        <source>There is no user %1.</source>
        <translation>Aucun compte n’a l’identifiant %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n household(s)</source>
        <translation>
            <numerusform>%n foyer</numerusform>
            <numerusform>%n foyers</numerusform>
        </translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>Aucun foyer n’a le code %1.</translation>
    </message>
    <message>
        <source>Household %1: %2</source>
        <translation>Foyer %1 : %2</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>Adresse : %1</translation>
    </message>
    <message>
        <source>Commune: %1 %2</source>
        <translation>Commune : %1 %2</translation>
    </message>
    <message>
        <source>Referent: %1</source>
        <translation>Référent : %1</translation>
    </message>
    <message>
        <source>Allowance for %1: %2 (%3 adult(s), %4 child(ren))</source>
        <translation>Allocation de %1 : %2 (%3 adulte(s), %4 enfant(s))</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>Membres :</translation>
    </message>
    <message>
        <source>	left on %1</source>
        <translation>	parti le %1</translation>
    </message>
    <message>
        <source>Cards:</source>
        <translation>Cartes :</translation>
    </message>
    <message>
        <source>	replaces %1</source>
        <translation>	remplace %1</translation>
    </message>
    <message>
        <source>List the households, optionally searched and filtered (social workers, nurses, administrators; coordinators by code only).</source>
        <translation>Lister les foyers, avec recherche et filtres facultatifs (travailleur·ses sociaux·ales, infirmier·ères, administrateur·rices ; coordinateur·rices : par code uniquement).</translation>
    </message>
    <message>
        <source>Words to find in the code, a member&apos;s name or the commune (accents and case ignored).</source>
        <translation>Mots à rechercher dans le code, le nom d’un membre ou la commune (sans tenir compte des accents ni de la casse).</translation>
    </message>
    <message>
        <source>Only candidate, enrolled, suspended or exited households.</source>
        <translation>Uniquement les foyers candidate (candidats), enrolled (inscrits), suspended (suspendus) ou exited (sortis).</translation>
    </message>
    <message>
        <source>Only the households of this commune.</source>
        <translation>Uniquement les foyers de cette commune.</translation>
    </message>
    <message>
        <source>Only the households this social worker follows.</source>
        <translation>Uniquement les foyers suivis par ce·tte travailleur·se social·e.</translation>
    </message>
    <message>
        <source>At most this many households.</source>
        <translation>Nombre maximal de foyers.</translation>
    </message>
    <message>
        <source>Show a household&apos;s case file: members, cards, consents, status history, this month&apos;s allowance.</source>
        <translation>Afficher le dossier d’un foyer : membres, cartes, consentements, historique des statuts, allocation du mois en cours.</translation>
    </message>
    <message>
        <source>%1: cannot read the token file (%2).</source>
        <translation>%1 : impossible de lire le fichier de jeton (%2).</translation>
    </message>
    <message>
        <source>%1, line 1: the token file is empty (it holds the card operator&apos;s token on its first line).</source>
        <translation>%1, ligne 1 : le fichier de jeton est vide (il doit contenir le jeton de l’opérateur de cartes sur sa première ligne).</translation>
    </message>
    <message>
        <source>missing --ledger URL (the card operator&apos;s feed address)</source>
        <translation>--ledger URL manquant (l’adresse du flux de l’opérateur de cartes)</translation>
    </message>
    <message>
        <source>missing --token-file FILE (the card operator&apos;s token on its first line)</source>
        <translation>--token-file FILE manquant (le jeton de l’opérateur de cartes sur sa première ligne)</translation>
    </message>
    <message>
        <source>--page-size must be a whole number from 1 to 1000, not &quot;%1&quot;</source>
        <translation>--page-size doit être un nombre entier de 1 à 1000, et non « %1 »</translation>
    </message>
    <message>
        <source>Sync: %1 pages, %2 cards, %3 entries</source>
        <translation>Synchronisation : %1 pages, %2 cartes, %3 mouvements</translation>
    </message>
    <message>
        <source>Sync: %1</source>
        <translation>Synchronisation : %1</translation>
    </message>
    <message>
        <source>Synced from %1: %2 pages, %3 cards, %4 entries received; %5 stored (%6 new, %7 revised), %8 already up to date; %9 s.</source>
        <translation>Synchronisé depuis %1 : %2 pages, %3 cartes, %4 mouvements reçus ; %5 enregistrés (%6 nouveaux, %7 révisés), %8 déjà à jour ; %9 s.</translation>
    </message>
    <message>
        <source>%1 requests were tried again; the feed restarted from the beginning %2 times.</source>
        <translation>%1 requêtes ont été relancées ; le flux a redémarré depuis le début %2 fois.</translation>
    </message>
    <message>
        <source>Pull the card operator&apos;s ledger feed: cards and entries since the last sync (administrators).</source>
        <translation>Récupérer le flux des mouvements de l’opérateur de cartes : cartes et mouvements depuis la dernière synchronisation (administrateur·rices).</translation>
    </message>
    <message>
        <source>The feed address (https://...; http only to this computer).</source>
        <translation>L’adresse du flux (https://... ; http uniquement vers cet ordinateur).</translation>
    </message>
    <message>
        <source>File with the operator&apos;s token on its first line.</source>
        <translation>Fichier contenant le jeton de l’opérateur sur sa première ligne.</translation>
    </message>
    <message>
        <source>Entries asked per page, 1 to 1000 (default 500).</source>
        <translation>Mouvements demandés par page, de 1 à 1000 (500 par défaut).</translation>
    </message>
    <message>
        <source>Every card of the ledger belongs to a household.</source>
        <translation>Toutes les cartes du registre sont rattachées à un foyer.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n entries</source>
        <translation>
            <numerusform>%1 : %n mouvement</numerusform>
            <numerusform>%1 : %n mouvements</numerusform>
        </translation>
    </message>
    <message>
        <source>, %1 posted, %2 to %3</source>
        <translation>, total %1, du %2 au %3</translation>
    </message>
    <message>
        <source>, account %1 unknown</source>
        <translation>, compte %1 inconnu</translation>
    </message>
    <message>
        <source>expected CARD HOUSEHOLD_CODE</source>
        <translation>attendu : CARD HOUSEHOLD_CODE</translation>
    </message>
    <message>
        <source>Card %1 linked to household %2.</source>
        <translation>Carte %1 rattachée au foyer %2.</translation>
    </message>
    <message>
        <source>Import a card operator&apos;s ledger export (CSV): all or nothing, located errors, the highest revision wins (administrators).</source>
        <translation>Importer un export du registre des mouvements de l’opérateur de cartes (CSV) : tout ou rien, erreurs localisées, la révision la plus récente l’emporte (administrateur·rices).</translation>
    </message>
    <message>
        <source>Counts and sums of the stored ledger by kind and status, each entry once at its latest revision.</source>
        <translation>Effectifs et sommes du registre enregistré, par type et par statut, chaque mouvement étant compté une fois dans sa dernière révision.</translation>
    </message>
    <message>
        <source>Output format: json.</source>
        <translation>Format de sortie : json.</translation>
    </message>
    <message>
        <source>Cards of the ledger that no household claims yet.</source>
        <translation>Cartes des mouvements de carte qu’aucun foyer ne revendique encore.</translation>
    </message>
    <message>
        <source>Output format: text or json.</source>
        <translation>Format de sortie : text ou json.</translation>
    </message>
    <message>
        <source>Link a card of the ledger to a household by hand; its entries follow (social workers).</source>
        <translation>Rattacher manuellement une carte des mouvements de carte à un foyer ; ses mouvements suivent (travailleur·ses sociaux·ales).</translation>
    </message>
    <message>
        <source>%1/%2 places</source>
        <translation>%1/%2 places</translation>
    </message>
    <message>
        <source>%1 registered</source>
        <translation>%1 inscrit(s)</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 en attente</translation>
    </message>
    <message>
        <source>%1 present, %2 absent</source>
        <translation>%1 présent(s), %2 absent(s)</translation>
    </message>
    <message>
        <source>cancelled on %1</source>
        <translation>annulé le %1</translation>
    </message>
    <message>
        <source>--date DATE is required</source>
        <translation>--date DATE est obligatoire</translation>
    </message>
    <message>
        <source>--%1: &quot;%2&quot; is not a time (HH:MM)</source>
        <translation>--%1 : « %2 » n’est pas une heure (HH:MM)</translation>
    </message>
    <message>
        <source>--capacity must be a number of places (0: no limit)</source>
        <translation>--capacity doit être un nombre de places (0 : sans limite)</translation>
    </message>
    <message>
        <source>Workshop %1 created: %2</source>
        <translation>Atelier %1 créé : %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a workshop number (see workshop list)</source>
        <translation>« %1 » n’est pas un numéro d’atelier (voir workshop list)</translation>
    </message>
    <message>
        <source>missing argument: WORKSHOP_ID PERSON_CODE...</source>
        <translation>argument manquant : WORKSHOP_ID PERSON_CODE...</translation>
    </message>
    <message>
        <source>%1: registration cancelled.</source>
        <translation>%1 : inscription annulée.</translation>
    </message>
    <message>
        <source>%1 moves up from the waiting list.</source>
        <translation>%1 quitte la liste d’attente et obtient une place.</translation>
    </message>
    <message>
        <source>nothing to record: give --present CODES and/or --absent CODES</source>
        <translation>rien à enregistrer : indiquez --present CODES et/ou --absent CODES</translation>
    </message>
    <message>
        <source>Attendance recorded: %1 present, %2 absent.</source>
        <translation>Présences enregistrées : %1 présent(s), %2 absent(s).</translation>
    </message>
    <message>
        <source>Workshops with their places, waiting list and attendance, by date.</source>
        <translation>Les ateliers avec leurs places, leur liste d’attente et les présences, par date.</translation>
    </message>
    <message>
        <source>Only workshops from this date (YYYY-MM-DD).</source>
        <translation>Uniquement les ateliers à partir de cette date (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>Only workshops up to this date (YYYY-MM-DD).</source>
        <translation>Uniquement les ateliers jusqu’à cette date (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>Create a workshop (social workers, nurses, coordinators).</source>
        <translation>Créer un atelier (travailleur·ses sociaux·ales, infirmier·ères, coordinateur·rices).</translation>
    </message>
    <message>
        <source>farm_visit, cooking, market_visit, cheese_making, bread_making or other.</source>
        <translation>farm_visit, cooking, market_visit, cheese_making, bread_making ou other.</translation>
    </message>
    <message>
        <source>The workshop&apos;s title.</source>
        <translation>Le titre de l’atelier.</translation>
    </message>
    <message>
        <source>Its date (YYYY-MM-DD).</source>
        <translation>Sa date (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>Start time (HH:MM).</source>
        <translation>Heure de début (HH:MM).</translation>
    </message>
    <message>
        <source>End time (HH:MM).</source>
        <translation>Heure de fin (HH:MM).</translation>
    </message>
    <message>
        <source>Where it takes place.</source>
        <translation>Le lieu où il se déroule.</translation>
    </message>
    <message>
        <source>Partner producer or merchant.</source>
        <translation>Producteur ou commerçant partenaire.</translation>
    </message>
    <message>
        <source>Number of places (default 0: no limit).</source>
        <translation>Nombre de places (0 par défaut : sans limite).</translation>
    </message>
    <message>
        <source>Register persons for a workshop (the waiting list when it is full), or cancel with --cancel.</source>
        <translation>Inscrire des personnes à un atelier (sur la liste d’attente s’il est complet), ou annuler avec --cancel.</translation>
    </message>
    <message>
        <source>Cancel these registrations; the first on the waiting list takes a freed place.</source>
        <translation>Annuler ces inscriptions ; la première personne de la liste d’attente prend une place libérée.</translation>
    </message>
    <message>
        <source>Record the day&apos;s attendance of registered persons: all or nothing.</source>
        <translation>Enregistrer les présences du jour des personnes inscrites : tout ou rien.</translation>
    </message>
    <message>
        <source>Codes of the persons present, separated by commas.</source>
        <translation>Codes des personnes présentes, séparés par des virgules.</translation>
    </message>
    <message>
        <source>Codes of the persons absent, separated by commas.</source>
        <translation>Codes des personnes absentes, séparés par des virgules.</translation>
    </message>
    <message>
        <source>Import workshop attendance from attendance.csv: all or nothing, located errors, the same file twice changes nothing; missing workshops are created.</source>
        <translation>Importer les présences aux ateliers depuis attendance.csv : tout ou rien, erreurs localisées, importer deux fois le même fichier ne change rien ; les ateliers manquants sont créés.</translation>
    </message>
    <message>
        <source>Set up the programme of a kind of scheme first: gers, vitalim, rennes or montpellier.</source>
        <translation>Paramétrer d’abord le programme selon un type de dispositif : gers, vitalim, rennes ou montpellier.</translation>
    </message>
    <message>
        <source>Set up the programme of this file first (JSON).</source>
        <translation>Paramétrer d’abord le programme à partir de ce fichier (JSON).</translation>
    </message>
    <message>
        <source>missing --%1 YYYY-MM-DD</source>
        <translation>--%1 AAAA-MM-JJ manquant</translation>
    </message>
    <message>
        <source>--%1 must be a date written YYYY-MM-DD, not &quot;%2&quot;</source>
        <translation>--%1 doit être une date au format AAAA-MM-JJ, et non « %2 »</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>manquant</translation>
    </message>
    <message numerus="yes">
        <source>duplicated (%n entries)</source>
        <translation>
            <numerusform>en double (%n mouvement)</numerusform>
            <numerusform>en double (%n mouvements)</numerusform>
        </translation>
    </message>
    <message>
        <source>not expected</source>
        <translation>non prévu</translation>
    </message>
    <message>
        <source>wrong amount</source>
        <translation>montant erroné</translation>
    </message>
    <message>
        <source>%1 %2: expected %3, credited %4: %5</source>
        <translation>%1 %2 : attendu %3, crédité %4 : %5</translation>
    </message>
    <message>
        <source>--to (%1) is before --from (%2)</source>
        <translation>--to (%1) est antérieur à --from (%2)</translation>
    </message>
    <message>
        <source>%1 to %2: %3 household-months checked; allowance: %4 missing, %5 duplicated, %6 not expected, %7 wrong.</source>
        <translation>Du %1 au %2 : %3 foyers-mois vérifiés ; allocation : %4 crédits manquants, %5 en double, %6 non prévus, %7 erronés.</translation>
    </message>
    <message>
        <source>Bonuses: %1 missing, %2 not expected, %3 wrong.</source>
        <translation>Bonus : %1 manquants, %2 non prévus, %3 erronés.</translation>
    </message>
    <message>
        <source>Every allowance credit of %1 household-months matches the programme&apos;s rule.</source>
        <translation>Tous les crédits d’allocation des %1 foyers-mois sont conformes à la règle du programme.</translation>
    </message>
    <message>
        <source>%1 %2: no income assessment, so no expected amount (credited %3)</source>
        <translation>%1 %2 : aucune évaluation des ressources, donc aucun montant attendu (crédité %3)</translation>
    </message>
    <message>
        <source>Every bonus matches the programme&apos;s bonus rules.</source>
        <translation>Tous les bonus sont conformes aux règles de bonus du programme.</translation>
    </message>
    <message>
        <source>Bonuses:</source>
        <translation>Bonus :</translation>
    </message>
    <message>
        <source>Compare each household&apos;s monthly credits in the ledger with what the programme&apos;s rule gives: missing, duplicated or wrong credits (docs/reconciliation.md).</source>
        <translation>Comparer les crédits mensuels de chaque foyer dans les mouvements de carte avec ce que donne la règle du programme : crédits manquants, en double ou erronés (docs/reconciliation.md).</translation>
    </message>
    <message>
        <source>First day of the period (its month is the first checked).</source>
        <translation>Premier jour de la période (son mois est le premier vérifié).</translation>
    </message>
    <message>
        <source>Last day of the period (its month is the last checked).</source>
        <translation>Dernier jour de la période (son mois est le dernier vérifié).</translation>
    </message>
    <message>
        <source>Also check the bonuses against the bonus rules.</source>
        <translation>Vérifier aussi les bonus au regard des règles de bonus.</translation>
    </message>
    <message>
        <source>Counts only, without households (coordinators).</source>
        <translation>Effectifs seulement, sans le détail des foyers (coordinateur·rices).</translation>
    </message>
    <message>
        <source>give --scheme or --programme, not both</source>
        <translation>indiquez --scheme ou --programme, pas les deux</translation>
    </message>
    <message>
        <source>--scheme must be one of %1, not &quot;%2&quot;</source>
        <translation>--scheme doit valoir l’une des valeurs %1, et non « %2 »</translation>
    </message>
    <message>
        <source>Programme &quot;%1&quot; saved.</source>
        <translation>Programme « %1 » enregistré.</translation>
    </message>
    <message>
        <source>%1: %2 a month for %3 consumption units (%4 a unit)</source>
        <translation>%1 : %2 par mois pour %3 unités de consommation (%4 par unité)</translation>
    </message>
    <message>
        <source>, band %1: %2 a month</source>
        <translation>, tranche %1 : %2 par mois</translation>
    </message>
    <message>
        <source>, re-assess by %1, by %2</source>
        <translation>, à réévaluer au plus tard le %1, évaluation par %2</translation>
    </message>
    <message>
        <source>missing --monthly-income-cents N (the declared monthly income, in cents)</source>
        <translation>--monthly-income-cents N manquant (les ressources mensuelles déclarées, en centimes)</translation>
    </message>
    <message>
        <source>--monthly-income-cents must be a whole number of cents, not &quot;%1&quot;</source>
        <translation>--monthly-income-cents doit être un nombre entier de centimes, et non « %1 »</translation>
    </message>
    <message>
        <source>--units must be a number of consumption units such as 1.8, not &quot;%1&quot;</source>
        <translation>--units doit être un nombre d’unités de consommation, comme 1.8, et non « %1 »</translation>
    </message>
    <message>
        <source>Income of %1 recorded. %2</source>
        <translation>Ressources du foyer %1 enregistrées. %2</translation>
    </message>
    <message>
        <source>Household %1 has no income assessment.</source>
        <translation>Le foyer %1 n’a aucune évaluation des ressources.</translation>
    </message>
    <message>
        <source>Replace the programme settings by a programme file (docs/programme-json.md; administrators).</source>
        <translation>Remplacer les paramètres du programme par un fichier de programme (docs/programme-json.md ; administrateur·rices).</translation>
    </message>
    <message>
        <source>Record a household&apos;s declared income for an income-band allowance (social workers).</source>
        <translation>Enregistrer les ressources déclarées d’un foyer pour une allocation par tranches de ressources (travailleur·ses sociaux·ales).</translation>
    </message>
    <message>
        <source>Declared income a month, in cents.</source>
        <translation>Ressources mensuelles déclarées, en centimes.</translation>
    </message>
    <message>
        <source>Date from which the assessment applies.</source>
        <translation>Date à partir de laquelle l’évaluation s’applique.</translation>
    </message>
    <message>
        <source>Start of the period the income covers.</source>
        <translation>Début de la période couverte par les ressources.</translation>
    </message>
    <message>
        <source>End of the period the income covers.</source>
        <translation>Fin de la période couverte par les ressources.</translation>
    </message>
    <message>
        <source>Consumption units (default: counted from the members with the programme&apos;s weights).</source>
        <translation>Unités de consommation (par défaut : calculées à partir des membres selon les pondérations du programme).</translation>
    </message>
    <message>
        <source>A short note.</source>
        <translation>Une courte note.</translation>
    </message>
    <message>
        <source>A household&apos;s income assessments, oldest first, with the band each gives.</source>
        <translation>Les évaluations des ressources d’un foyer, de la plus ancienne à la plus récente, avec la tranche qui en résulte.</translation>
    </message>
    <message>
        <source>Current password for %1: </source>
        <translation>Mot de passe actuel de %1 : </translation>
    </message>
    <message>
        <source>missing --amount N (for example 12,50 or &quot;12,50 EUR&quot;)</source>
        <translation>--amount N manquant (par exemple 12,50 ou « 12,50 EUR »)</translation>
    </message>
    <message>
        <source>--amount must be an amount such as 12,50 or &quot;12,50 EUR&quot;, not &quot;%1&quot;</source>
        <translation>--amount doit être un montant comme 12,50 ou « 12,50 EUR », et non « %1 »</translation>
    </message>
    <message>
        <source>missing --%1 YYYY-MM</source>
        <translation>--%1 AAAA-MM manquant</translation>
    </message>
    <message>
        <source>--%1 must be a month written YYYY-MM, not &quot;%2&quot;</source>
        <translation>--%1 doit être un mois au format AAAA-MM, et non « %2 »</translation>
    </message>
    <message>
        <source>Contribution of %1: %2 a month from %3.</source>
        <translation>Cotisation de %1 : %2 par mois à partir de %3.</translation>
    </message>
    <message>
        <source>--on must be a date written YYYY-MM-DD, not &quot;%1&quot;</source>
        <translation>--on doit être une date au format AAAA-MM-JJ, et non « %1 »</translation>
    </message>
    <message>
        <source>Payment of %1 by %2 recorded on %3.</source>
        <translation>Paiement de %1 par %2 enregistré le %3.</translation>
    </message>
    <message>
        <source>Still owed: %1.</source>
        <translation>Reste dû : %1.</translation>
    </message>
    <message>
        <source>Contributions of %1: %2 a month now; %3</source>
        <translation>Cotisations de %1 : %2 par mois actuellement ; %3</translation>
    </message>
    <message>
        <source>%1 owed</source>
        <translation>%1 d’impayés</translation>
    </message>
    <message>
        <source>nothing owed</source>
        <translation>aucun impayé</translation>
    </message>
    <message>
        <source>Amounts chosen:</source>
        <translation>Montants choisis :</translation>
    </message>
    <message>
        <source>from %1: %2 a month (by %3)</source>
        <translation>à partir de %1 : %2 par mois (saisi par %3)</translation>
    </message>
    <message>
        <source>Payments:</source>
        <translation>Paiements :</translation>
    </message>
    <message>
        <source>%1: %2 (recorded by %3)</source>
        <translation>%1 : %2 (enregistré par %3)</translation>
    </message>
    <message>
        <source>Month     expected   paid   balance</source>
        <translation>Mois      attendu    payé   solde</translation>
    </message>
    <message>
        <source>No household owes contributions at the end of %1.</source>
        <translation>Aucun foyer n’a de cotisations impayées à la fin de %1.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 owed (%n month(s)), %3 a month, last paid %4</source>
        <translation>
            <numerusform>%1 : %2 d’impayés (%n mois), %3 par mois, dernier paiement : %4</numerusform>
            <numerusform>%1 : %2 d’impayés (%n mois), %3 par mois, dernier paiement : %4</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>Record the contribution a household chose to pay a month, from a month on (social workers).</source>
        <translation>Enregistrer la cotisation mensuelle choisie par un foyer, à partir d’un mois donné (travailleur·ses sociaux·ales).</translation>
    </message>
    <message>
        <source>Amount a month, such as 12,50 (in the programme&apos;s contribution currency; a label after it is checked).</source>
        <translation>Montant par mois, comme 12,50 (dans la monnaie des cotisations du programme ; un libellé de monnaie indiqué après le montant est vérifié).</translation>
    </message>
    <message>
        <source>The month from which it applies.</source>
        <translation>Le mois à partir duquel elle s’applique.</translation>
    </message>
    <message>
        <source>Record a contribution payment received from a household (social workers).</source>
        <translation>Enregistrer un paiement de cotisation reçu d’un foyer (travailleur·ses sociaux·ales).</translation>
    </message>
    <message>
        <source>Amount paid, such as 12,50.</source>
        <translation>Montant payé, comme 12,50.</translation>
    </message>
    <message>
        <source>Date of the payment (default: today).</source>
        <translation>Date du paiement (par défaut : aujourd’hui).</translation>
    </message>
    <message>
        <source>A household&apos;s contributions: amounts chosen, payments, and month by month what is owed.</source>
        <translation>Les cotisations d’un foyer : montants choisis, paiements et, mois par mois, ce qui reste dû.</translation>
    </message>
    <message>
        <source>Up to this month (default: this month).</source>
        <translation>Jusqu’à ce mois (par défaut : le mois en cours).</translation>
    </message>
    <message>
        <source>Households owing contributions at the end of a month (not for coordinators).</source>
        <translation>Foyers ayant des cotisations impayées à la fin d’un mois (non accessible aux coordinateur·rices).</translation>
    </message>
    <message>
        <source>The month (default: this month).</source>
        <translation>Le mois (par défaut : le mois en cours).</translation>
    </message>
    <message>
        <source>text (default), json or csv.</source>
        <translation>text (par défaut), json ou csv.</translation>
    </message>
    <message>
        <source>missing option --%1 YYYY-MM-DD</source>
        <translation>option --%1 AAAA-MM-JJ manquante</translation>
    </message>
    <message>
        <source>--%1 must be a date YYYY-MM-DD, not &quot;%2&quot;</source>
        <translation>--%1 doit être une date au format AAAA-MM-JJ, et non « %2 »</translation>
    </message>
    <message>
        <source>Household %1 was changed by someone else meanwhile; nothing was written, try again.</source>
        <translation>Le foyer %1 a été modifié entre-temps par quelqu’un d’autre ; rien n’a été enregistré, réessayez.</translation>
    </message>
    <message>
        <source>missing option --reason TEXT: a departure needs its reason</source>
        <translation>option --reason TEXTE manquante : un départ doit avoir un motif</translation>
    </message>
    <message>
        <source>%1 is not a member of household %2.</source>
        <translation>%1 n’est pas membre du foyer %2.</translation>
    </message>
    <message>
        <source>%1 already left household %2 on %3.</source>
        <translation>%1 a déjà quitté le foyer %2 le %3.</translation>
    </message>
    <message>
        <source>%1 left household %2 on %3.</source>
        <translation>%1 a quitté le foyer %2 le %3.</translation>
    </message>
    <message>
        <source>an arrival needs --first-name and --last-name</source>
        <translation>une arrivée nécessite --first-name et --last-name</translation>
    </message>
    <message>
        <source>--role must be adult or child, not &quot;%1&quot;</source>
        <translation>--role doit valoir adult ou child, et non « %1 »</translation>
    </message>
    <message>
        <source>--sex must be F or M, not &quot;%1&quot;</source>
        <translation>--sex doit valoir F ou M, et non « %1 »</translation>
    </message>
    <message>
        <source>%1 (%2) arrived in household %3 on %4.</source>
        <translation>%1 (%2) est arrivé·e dans le foyer %3 le %4.</translation>
    </message>
    <message>
        <source>Record that a member left the household, with the date and the reason (social workers).</source>
        <translation>Enregistrer le départ d’un membre du foyer, avec la date et le motif (travailleur·ses sociaux·ales).</translation>
    </message>
    <message>
        <source>The day the member left (YYYY-MM-DD).</source>
        <translation>Le jour du départ du membre (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>Why the member left (required).</source>
        <translation>Le motif du départ du membre (obligatoire).</translation>
    </message>
    <message>
        <source>Record a new member arriving in the household (social workers); prints the person code.</source>
        <translation>Enregistrer l’arrivée d’un nouveau membre dans le foyer (travailleur·ses sociaux·ales) ; affiche le code de personne attribué.</translation>
    </message>
    <message>
        <source>First name.</source>
        <translation>Prénom.</translation>
    </message>
    <message>
        <source>Last name.</source>
        <translation>Nom.</translation>
    </message>
    <message>
        <source>Birth date (YYYY-MM-DD).</source>
        <translation>Date de naissance (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>The day the member arrived (YYYY-MM-DD).</source>
        <translation>Le jour de l’arrivée du membre (AAAA-MM-JJ).</translation>
    </message>
    <message>
        <source>adult (default) or child.</source>
        <translation>adult (par défaut) ou child.</translation>
    </message>
    <message>
        <source>F or M (default: not given).</source>
        <translation>F ou M (par défaut : non renseigné).</translation>
    </message>
    <message>
        <source>RECOVERY KEY: write it down now and keep it somewhere safe, away from this computer.</source>
        <translation>CLÉ DE SECOURS : notez-la maintenant et conservez-la en lieu sûr, loin de cet ordinateur.</translation>
    </message>
    <message>
        <source>It is shown only this once. It opens the database&apos;s keys when every administrator&apos;s password is lost.</source>
        <translation>Elle n’est affichée qu’une seule fois. Elle ouvre les clés de la base de données si les mots de passe de tous les administrateurs sont perdus.</translation>
    </message>
    <message>
        <source>undecided</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>agréé</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>retiré</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>refusé</translation>
    </message>
    <message>
        <source>No merchant is waiting for a decision.</source>
        <translation>Aucun commerçant n’attend de décision.</translation>
    </message>
    <message>
        <source>The ledger has no merchant yet.</source>
        <translation>Le registre ne contient encore aucun commerçant.</translation>
    </message>
    <message>
        <source>approved from %1 until %2</source>
        <translation>agréé du %1 au %2</translation>
    </message>
    <message>
        <source>approved from %1</source>
        <translation>agréé depuis le %1</translation>
    </message>
    <message>
        <source>withdrawn on %1</source>
        <translation>retiré le %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2 (%3; operator: %4): %5; %n entries, first %6, last %7</source>
        <translation>
            <numerusform>%1 %2 (%3 ; opérateur : %4) : %5 ; %n opération, la première le %6, la dernière le %7</numerusform>
            <numerusform>%1 %2 (%3 ; opérateur : %4) : %5 ; %n opérations, la première le %6, la dernière le %7</numerusform>
        </translation>
    </message>
    <message>
        <source>no category</source>
        <translation>sans catégorie</translation>
    </message>
    <message>
        <source>sustainable</source>
        <translation>durable</translation>
    </message>
    <message>
        <source>not sustainable</source>
        <translation>non durable</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2 : %3</translation>
    </message>
    <message>
        <source>refused by %1 on %2</source>
        <translation>refusé par %1 le %2</translation>
    </message>
    <message>
        <source>approved from %1 by %2</source>
        <translation>agréé à partir du %1 par %2</translation>
    </message>
    <message>
        <source>withdrawn on %1 by %2</source>
        <translation>retiré le %1 par %2</translation>
    </message>
    <message>
        <source>Merchant %1 approved from %2.</source>
        <translation>Commerçant %1 agréé à partir du %2.</translation>
    </message>
    <message>
        <source>Approval of merchant %1 withdrawn on %2.</source>
        <translation>Agrément du commerçant %1 retiré le %2.</translation>
    </message>
    <message>
        <source>Merchant %1 refused.</source>
        <translation>Commerçant %1 refusé.</translation>
    </message>
    <message>
        <source>The committee&apos;s note or reason.</source>
        <translation>La note ou le motif du comité.</translation>
    </message>
    <message>
        <source>Merchants seen in the ledger, with the committee&apos;s decision and their entries.</source>
        <translation>Les commerçants vus dans le registre, avec la décision du comité et leurs opérations.</translation>
    </message>
    <message>
        <source>Only the merchants with no decision yet.</source>
        <translation>Seulement les commerçants encore sans décision.</translation>
    </message>
    <message>
        <source>One merchant and the history of the committee&apos;s decisions.</source>
        <translation>Un commerçant et l’historique des décisions du comité.</translation>
    </message>
    <message>
        <source>json (default) or text.</source>
        <translation>json (par défaut) ou text.</translation>
    </message>
    <message>
        <source>Approve a merchant: its purchases count as sustainable from a date on (administrators).</source>
        <translation>Agréer un commerçant : ses achats comptent comme durables à partir d’une date (administrateurs).</translation>
    </message>
    <message>
        <source>The first day of the approval.</source>
        <translation>Le premier jour de l’agrément.</translation>
    </message>
    <message>
        <source>Withdraw a merchant&apos;s approval: from that day on its purchases no longer count as sustainable (administrators).</source>
        <translation>Retirer l’agrément d’un commerçant : à partir de ce jour, ses achats ne comptent plus comme durables (administrateurs).</translation>
    </message>
    <message>
        <source>The first day without the approval.</source>
        <translation>Le premier jour sans l’agrément.</translation>
    </message>
    <message>
        <source>Record the committee&apos;s refusal of a merchant: its purchases do not count as sustainable (administrators).</source>
        <translation>Enregistrer le refus d’un commerçant par le comité : ses achats ne comptent pas comme durables (administrateurs).</translation>
    </message>
    <message>
        <source>Cannot read the recovery key file %1: %2</source>
        <translation>Impossible de lire le fichier de la clé de secours %1 : %2</translation>
    </message>
    <message>
        <source>The recovery key file %1 is empty: its first line must be the recovery key.</source>
        <translation>Le fichier de la clé de secours %1 est vide : sa première ligne doit être la clé de secours.</translation>
    </message>
    <message>
        <source>--recovery-key-file FILE is needed when there is no terminal to ask on</source>
        <translation>--recovery-key-file FICHIER est nécessaire quand il n’y a pas de terminal où la demander</translation>
    </message>
    <message>
        <source>Administrator %1 created with the recovery key: log in with the new password.</source>
        <translation>Administrateur·rice %1 créé·e avec la clé de secours : connectez-vous avec le nouveau mot de passe.</translation>
    </message>
    <message>
        <source>Administrator %1 has a new password (set with the recovery key) and is unlocked.</source>
        <translation>L’administrateur·rice %1 a un nouveau mot de passe (défini avec la clé de secours) et son compte est débloqué.</translation>
    </message>
    <message>
        <source>The recovery key, on the file&apos;s first line.</source>
        <translation>La clé de secours, sur la première ligne du fichier.</translation>
    </message>
    <message>
        <source>Name shown for a new administrator.</source>
        <translation>Nom affiché d’un·e nouvel·le administrateur·rice.</translation>
    </message>
    <message>
        <source>The administrator&apos;s new password, on the file&apos;s first line.</source>
        <translation>Le nouveau mot de passe de l’administrateur·rice, sur la première ligne du fichier.</translation>
    </message>
    <message>
        <source>--sealed and --clear exclude each other</source>
        <translation>--sealed et --clear s’excluent</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Sauvegarde</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copie</translation>
    </message>
    <message>
        <source>Keys and users</source>
        <translation>Clés et utilisateurs</translation>
    </message>
    <message>
        <source>Encrypting</source>
        <translation>Chiffrement</translation>
    </message>
    <message>
        <source>Compacting</source>
        <translation>Compactage</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Vérification</translation>
    </message>
    <message>
        <source>Replacing the file</source>
        <translation>Remplacement du fichier</translation>
    </message>
    <message>
        <source>Your password again, to seal %1: </source>
        <translation>Votre mot de passe de nouveau, pour chiffrer %1 : </translation>
    </message>
    <message>
        <source>Sealed %1: names, birth dates, addresses and notes are now encrypted (%2).</source>
        <translation>%1 chiffrée : les noms, dates de naissance, adresses et notes sont maintenant chiffrés (%2).</translation>
    </message>
    <message>
        <source>The backup taken before, %1, still holds them in clear: keep it locked away, and destroy it once you have checked the sealed database (on an SSD a deleted file may still be read back: destroy the medium if it matters).</source>
        <translation>La sauvegarde faite avant, %1, les contient encore en clair : rangez-la sous clé, et détruisez-la une fois la base chiffrée vérifiée (sur un SSD, un fichier supprimé peut encore se relire : détruisez le support si nécessaire).</translation>
    </message>
    <message>
        <source>They are shown only this once.</source>
        <translation>Ils ne sont affichés que cette fois.</translation>
    </message>
    <message>
        <source>Keep them in clear instead (anyone with a copy of the file reads them).</source>
        <translation>Les garder plutôt en clair (quiconque a une copie du fichier les lit).</translation>
    </message>
    <message>
        <source>Where to write the backup taken first (default: beside the database, NAME.before-sealing-DATE.cabas).</source>
        <translation>Où écrire la sauvegarde faite d’abord (par défaut : à côté de la base, NOM.before-sealing-DATE.cabas).</translation>
    </message>
    <message>
        <source>Health data is encrypted too, under the nurses&apos; key.</source>
        <translation>Les données de santé sont chiffrées aussi, sous la clé des infirmiers.</translation>
    </message>
    <message>
        <source>Keep names, birth dates, addresses and notes of persons and households, and health data, encrypted in the database (the default; docs/encryption.md).</source>
        <translation>Garder chiffrés dans la base les noms, dates de naissance, adresses et notes des personnes et des ménages, et les données de santé (par défaut ; docs/encryption.md).</translation>
    </message>
    <message>
        <source>Health data stays clear: the nurses hold this database&apos;s health key, which an administrator never holds. Run cabas-cli seal again with the recovery key (--recovery-key-file) to encrypt it (docs/encryption.md).</source>
        <translation>Les données de santé restent en clair : la clé santé de cette base est détenue par les infirmières, jamais par un administrateur. Relancez cabas-cli seal avec la clé de secours (--recovery-key-file) pour les chiffrer (docs/encryption.md).</translation>
    </message>
    <message>
        <source>Encrypt the names, birth dates, addresses, notes and health data of an existing clear database, or the health data of a database sealed without it, after a backup (administrators; the password is asked again, or read again from --password-file).</source>
        <translation>Chiffrer les noms, dates de naissance, adresses, notes et données de santé d’une base existante en clair, ou les données de santé d’une base chiffrée sans elles, après une sauvegarde (administrateurs ; le mot de passe est redemandé, ou relu depuis --password-file).</translation>
    </message>
    <message>
        <source>The recovery key, on the file&apos;s first line: needed to encrypt the health data when the nurses already hold its key (asked on a terminal).</source>
        <translation>La clé de secours, sur la première ligne du fichier : nécessaire pour chiffrer les données de santé quand les infirmières en détiennent déjà la clé (demandée dans un terminal).</translation>
    </message>
    <message>
        <source>TEMPORARY PASSWORDS: the other users&apos; passwords were replaced. Give each user theirs in person; they must change it at their next login (cabas-cli user passwd LOGIN for oneself), before anything else.</source>
        <translation>MOTS DE PASSE PROVISOIRES : les mots de passe des autres utilisateurs ont été remplacés. Remettez à chacun le sien en main propre ; il doit le changer à sa prochaine connexion (cabas-cli user passwd IDENTIFIANT pour soi-même), avant toute autre chose.</translation>
    </message>
    <message>
        <source>your password is temporary (set by an administrator): change it first with cabas-cli --user %1 user passwd %1</source>
        <translation>votre mot de passe est provisoire (choisi par un administrateur) : changez-le d’abord avec cabas-cli --user %1 user passwd %1</translation>
    </message>
    <message>
        <source>The recovery key of %1 was replaced: the old key no longer opens it.</source>
        <translation>La clé de secours de %1 a été remplacée : l’ancienne clé ne l’ouvre plus.</translation>
    </message>
    <message>
        <source>Backups taken before this replacement open with the old key, not with this one.</source>
        <translation>Les sauvegardes faites avant ce remplacement s’ouvrent avec l’ancienne clé, pas avec celle-ci.</translation>
    </message>
    <message>
        <source>It opens the health data only after a nurse&apos;s next login.</source>
        <translation>Elle n’ouvre les données de santé qu’après la prochaine connexion d’une infirmière ou d’un infirmier.</translation>
    </message>
    <message>
        <source>Replace a lost recovery key, or one seen by someone who should not have: prints the new key once; the old one no longer opens the database (administrators).</source>
        <translation>Remplacer une clé de secours perdue, ou vue par une personne qui n’aurait pas dû la voir : affiche une seule fois la nouvelle clé ; l’ancienne n’ouvre plus la base (administrateurs).</translation>
    </message>
    <message>
        <source>Recovery key (the latest one printed), to encrypt the health data too; empty: leave it clear for now: </source>
        <translation>Clé de secours (la dernière imprimée), pour chiffrer aussi les données de santé ; vide : les laisser en clair pour l’instant : </translation>
    </message>
    <message>
        <source>Recovery key (the latest one printed), to encrypt the health data: </source>
        <translation>Clé de secours (la dernière imprimée), pour chiffrer les données de santé : </translation>
    </message>
    <message>
        <source>Recovery key (the latest one printed): </source>
        <translation>Clé de secours (la dernière imprimée) : </translation>
    </message>
    <message>
        <source>Every administrator&apos;s password lost: with the latest recovery key printed, create the administrator LOGIN, or give that administrator a new password (no --user).</source>
        <translation>Mots de passe de tous les administrateur·rices perdus : avec la dernière clé de secours imprimée, créer l’administrateur·rice IDENTIFIANT, ou lui donner un nouveau mot de passe (sans --user).</translation>
    </message>
</context>
<context>
    <name>CohortCharts</name>
    <message>
        <source>Monthly spending: sustainable and other</source>
        <translation>Dépenses mensuelles : durables et autres</translation>
    </message>
    <message>
        <source>Sustainable shops</source>
        <translation>Commerces durables</translation>
    </message>
    <message>
        <source>Other shops</source>
        <translation>Autres commerces</translation>
    </message>
    <message>
        <source>Sustainable share (%)</source>
        <translation>Part durable (%)</translation>
    </message>
    <message>
        <source>EUR</source>
        <translation>EUR</translation>
    </message>
    <message>
        <source>Allowance and bonus by month</source>
        <translation>Allocation et bonus par mois</translation>
    </message>
    <message>
        <source>Allowance</source>
        <translation>Allocation</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Workshops by type</source>
        <translation>Ateliers par type</translation>
    </message>
    <message>
        <source>Workshops held</source>
        <translation>Ateliers tenus</translation>
    </message>
    <message>
        <source>Attendances</source>
        <translation>Présences</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Follow-up completion by wave</source>
        <translation>Taux de réalisation du suivi par vague</translation>
    </message>
    <message>
        <source>Completion (%)</source>
        <translation>Réalisation (%)</translation>
    </message>
    <message>
        <source>%1: cannot be written (%2).</source>
        <translation>Impossible d’écrire %1 (%2).</translation>
    </message>
    <message>
        <source>Cohort summary</source>
        <translation>Synthèse de la cohorte</translation>
    </message>
    <message>
        <source>%1: cannot be written.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>Cohort summary — %1</source>
        <translation>Synthèse de la cohorte — %1</translation>
    </message>
    <message>
        <source>Period %1 to %2</source>
        <translation>Période du %1 au %2</translation>
    </message>
    <message>
        <source>commune %1</source>
        <translation>commune %1</translation>
    </message>
    <message>
        <source>public figures (groups under %1 hidden)</source>
        <translation>chiffres publics (groupes de moins de %1 masqués)</translation>
    </message>
    <message>
        <source>internal figures (not for publication)</source>
        <translation>chiffres internes (à ne pas publier)</translation>
    </message>
    <message numerus="yes">
        <source>— : figure hidden (fewer than %1 households or persons) or without denominator. %n figure(s) hidden.</source>
        <translation>
            <numerusform>— : chiffre masqué (moins de %1 foyers ou personnes) ou sans dénominateur. %n chiffre masqué.</numerusform>
            <numerusform>— : chiffre masqué (moins de %1 foyers ou personnes) ou sans dénominateur. %n chiffres masqués.</numerusform>
        </translation>
    </message>
    <message>
        <source>Definitions</source>
        <translation>Définitions</translation>
    </message>
    <message>
        <source>Money is in euros; movements count by their local date in Europe/Paris; only the latest posted revision of a ledger entry counts. Shares have one decimal.</source>
        <translation>Les montants sont en euros ; les mouvements sont comptés à leur date locale (Europe/Paris) ; seule la dernière révision comptabilisée d’un mouvement est prise en compte. Les parts sont données avec une décimale.</translation>
    </message>
</context>
<context>
    <name>CohortExport</name>
    <message>
        <source>%1: cannot be written.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>%1: cannot be written (%2).</source>
        <translation>Impossible d’écrire %1 (%2).</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>Indicateurs</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>Indicateur</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Definitions</source>
        <translation>Définitions</translation>
    </message>
    <message>
        <source>Definition</source>
        <translation>Définition</translation>
    </message>
    <message>
        <source>Disclosure</source>
        <translation>Diffusion</translation>
    </message>
    <message>
        <source>public: figures based on fewer than %1 households or persons are suppressed (empty).</source>
        <translation>publique : les chiffres portant sur moins de %1 foyers ou personnes sont masqués (vides).</translation>
    </message>
    <message>
        <source>internal: figures as computed, for use inside the programme only.</source>
        <translation>interne : chiffres tels que calculés, réservés à un usage interne au programme.</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Jeu de données</translation>
    </message>
</context>
<context>
    <name>CohortReport</name>
    <message>
        <source>Households enrolled</source>
        <translation>Foyers inscrits</translation>
    </message>
    <message>
        <source>Persons enrolled</source>
        <translation>Personnes inscrites</translation>
    </message>
    <message>
        <source>Adults</source>
        <translation>Adultes</translation>
    </message>
    <message>
        <source>Children</source>
        <translation>Enfants</translation>
    </message>
    <message>
        <source>Cards used (%)</source>
        <translation>Cartes utilisées (%)</translation>
    </message>
    <message>
        <source>Allowance</source>
        <translation>Allocation</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Spending</source>
        <translation>Dépenses</translation>
    </message>
    <message>
        <source>Sustainable spending</source>
        <translation>Dépenses durables</translation>
    </message>
    <message>
        <source>Sustainable share of spending (%)</source>
        <translation>Part durable des dépenses (%)</translation>
    </message>
    <message>
        <source>Sustainable shops paid</source>
        <translation>Commerces durables payés</translation>
    </message>
    <message>
        <source>Persons with M0 and M6 questionnaires</source>
        <translation>Personnes avec questionnaires M0 et M6</translation>
    </message>
    <message>
        <source>More organic fruit and vegetables (%)</source>
        <translation>Plus de fruits et légumes bio (%)</translation>
    </message>
    <message>
        <source>More local products (%)</source>
        <translation>Plus de produits locaux (%)</translation>
    </message>
    <message>
        <source>More organic products (%)</source>
        <translation>Plus de produits bio (%)</translation>
    </message>
    <message>
        <source>Discovered a sustainable shop (%)</source>
        <translation>A découvert un commerce durable (%)</translation>
    </message>
    <message>
        <source>Persons with M0 and M6 checkups</source>
        <translation>Personnes avec bilans de santé M0 et M6</translation>
    </message>
    <message>
        <source>Mean BMI change (kg/m²)</source>
        <translation>Évolution moyenne de l’IMC (kg/m²)</translation>
    </message>
    <message>
        <source>Workshops held</source>
        <translation>Ateliers tenus</translation>
    </message>
    <message>
        <source>Workshop attendances</source>
        <translation>Présences aux ateliers</translation>
    </message>
    <message>
        <source>Households at a workshop (%)</source>
        <translation>Foyers venus à un atelier (%)</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>Par mois</translation>
    </message>
    <message>
        <source>By merchant category</source>
        <translation>Par catégorie de commerçant</translation>
    </message>
    <message>
        <source>Workshops by type</source>
        <translation>Ateliers par type</translation>
    </message>
    <message>
        <source>Follow-up by wave</source>
        <translation>Suivi par vague</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Mois</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Vague</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Séances</translation>
    </message>
    <message>
        <source>Attendances</source>
        <translation>Présences</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Attendus</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Faits</translation>
    </message>
    <message>
        <source>Completion (%)</source>
        <translation>Réalisation (%)</translation>
    </message>
    <message>
        <source>Households enrolled at some time in the period (enrolled on or before its end, not exited before its start).</source>
        <translation>Foyers inscrits à un moment de la période (inscrits au plus tard à sa fin, non sortis avant son début).</translation>
    </message>
    <message>
        <source>Members of those households present in the period.</source>
        <translation>Membres de ces foyers présents pendant la période.</translation>
    </message>
    <message>
        <source>Members recorded as adults.</source>
        <translation>Membres enregistrés comme adultes.</translation>
    </message>
    <message>
        <source>Members recorded as children.</source>
        <translation>Membres enregistrés comme enfants.</translation>
    </message>
    <message>
        <source>Share of households whose card (or re-issued card) carries a posted purchase in the period.</source>
        <translation>Part des foyers dont la carte (ou la carte réémise) porte un achat comptabilisé pendant la période.</translation>
    </message>
    <message>
        <source>Sum of the posted monthly allowances.</source>
        <translation>Somme des allocations mensuelles comptabilisées.</translation>
    </message>
    <message>
        <source>Sum of the posted bonuses.</source>
        <translation>Somme des bonus comptabilisés.</translation>
    </message>
    <message>
        <source>Posted purchases minus posted refunds; adjustments and transfers are not spending.</source>
        <translation>Achats comptabilisés moins remboursements comptabilisés ; les ajustements et les transferts ne sont pas des dépenses.</translation>
    </message>
    <message>
        <source>The same at shops the programme (else the operator) considers sustainable.</source>
        <translation>La même chose dans les commerces que le programme (à défaut l’opérateur) considère comme durables.</translation>
    </message>
    <message>
        <source>100 × sustainable spending / spending.</source>
        <translation>100 × dépenses durables / dépenses.</translation>
    </message>
    <message>
        <source>Distinct sustainable shops with at least one posted purchase.</source>
        <translation>Commerces durables distincts ayant au moins un achat comptabilisé.</translation>
    </message>
    <message>
        <source>Persons with both an M0 and an M6 diet questionnaire.</source>
        <translation>Personnes ayant à la fois un questionnaire alimentaire M0 et un M6.</translation>
    </message>
    <message>
        <source>Among those, share whose organic fruit and vegetables frequency is higher at M6.</source>
        <translation>Parmi elles, part dont la fréquence de consommation de fruits et légumes bio est plus élevée à M6.</translation>
    </message>
    <message>
        <source>Among those, share whose local products frequency is higher at M6.</source>
        <translation>Parmi elles, part dont la fréquence de consommation de produits locaux est plus élevée à M6.</translation>
    </message>
    <message>
        <source>Among those, share whose organic products frequency is higher at M6.</source>
        <translation>Parmi elles, part dont la fréquence de consommation de produits bio est plus élevée à M6.</translation>
    </message>
    <message>
        <source>Among M6 questionnaires that answer it, share who discovered a sustainable shop or producer.</source>
        <translation>Parmi les questionnaires M6 qui y répondent, part ayant découvert un commerce ou un producteur durable.</translation>
    </message>
    <message>
        <source>Persons with an M0 and an M6 checkup that both have weight and height.</source>
        <translation>Personnes ayant un bilan de santé M0 et un M6 comportant tous deux le poids et la taille.</translation>
    </message>
    <message>
        <source>Mean of BMI at M6 minus BMI at M0 over those persons.</source>
        <translation>Moyenne de l’IMC à M6 moins l’IMC à M0 sur ces personnes.</translation>
    </message>
    <message>
        <source>Workshops held in the period (cancelled ones excluded).</source>
        <translation>Ateliers tenus pendant la période (hors ateliers annulés).</translation>
    </message>
    <message>
        <source>Attendances of cohort members marked present.</source>
        <translation>Présences des membres de la cohorte notés présents.</translation>
    </message>
    <message>
        <source>Share of households with at least one member present at a workshop.</source>
        <translation>Part des foyers dont au moins un membre a été présent à un atelier.</translation>
    </message>
    <message>
        <source>Households contributing</source>
        <translation>Foyers cotisants</translation>
    </message>
    <message>
        <source>Contributions expected</source>
        <translation>Cotisations attendues</translation>
    </message>
    <message>
        <source>Contributions paid</source>
        <translation>Cotisations payées</translation>
    </message>
    <message>
        <source>Mean contribution a month</source>
        <translation>Cotisation mensuelle moyenne</translation>
    </message>
    <message>
        <source>Households in arrears (%)</source>
        <translation>Foyers ayant des impayés (%)</translation>
    </message>
    <message>
        <source>Contributions by monthly amount (cents)</source>
        <translation>Cotisations par montant mensuel (centimes)</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>Tranche</translation>
    </message>
    <message>
        <source>Cohort households with a member contribution expected in at least one month of the period.</source>
        <translation>Foyers de la cohorte pour lesquels une cotisation est attendue pour au moins un mois de la période.</translation>
    </message>
    <message>
        <source>Sum of the monthly contributions chosen, over the months of the period they were enrolled in (contribution currency).</source>
        <translation>Somme des cotisations mensuelles choisies, sur les mois de la période pendant lesquels les foyers étaient inscrits (monnaie des cotisations).</translation>
    </message>
    <message>
        <source>Sum of the contribution payments dated in the period (contribution currency).</source>
        <translation>Somme des paiements de cotisation datés de la période (monnaie des cotisations).</translation>
    </message>
    <message>
        <source>Contributions expected divided by the months they were expected for.</source>
        <translation>Cotisations attendues divisées par le nombre de mois pour lesquels elles étaient attendues.</translation>
    </message>
    <message>
        <source>Share of contributing households that paid less in the period than was expected.</source>
        <translation>Part des foyers cotisants qui ont payé moins que prévu sur la période.</translation>
    </message>
</context>
<context>
    <name>CohortService</name>
    <message>
        <source>--from: a date YYYY-MM-DD is needed.</source>
        <translation>--from : une date AAAA-MM-JJ est nécessaire.</translation>
    </message>
    <message>
        <source>--to: a date YYYY-MM-DD is needed.</source>
        <translation>--to : une date AAAA-MM-JJ est nécessaire.</translation>
    </message>
    <message>
        <source>--to: the period ends (%1) before it starts (%2).</source>
        <translation>--to : la période se termine (%1) avant de commencer (%2).</translation>
    </message>
    <message>
        <source>--status: &quot;%1&quot; is not one of %2.</source>
        <translation>--status : « %1 » ne fait pas partie de %2.</translation>
    </message>
    <message>
        <source>%1: contribution figures have no list of households behind them (a household&apos;s contribution stays in its case file).</source>
        <translation>%1 : les chiffres des cotisations ne sont associés à aucune liste de foyers (la cotisation d’un foyer reste dans son dossier).</translation>
    </message>
    <message>
        <source>Left empty: %1. This database keeps the clinical measures encrypted for the nurses only; the BMI and the questionnaire answers are filled.</source>
        <translation>Laissées vides : %1. Cette base garde les mesures cliniques chiffrées pour les seules infirmières ; l’IMC et les réponses aux questionnaires sont remplis.</translation>
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
    <name>ContributionChoice</name>
    <message>
        <source>contributions: this programme has no member contributions (see its settings)</source>
        <translation>contributions: ce programme ne prévoit pas de cotisation des membres (voir ses paramètres)</translation>
    </message>
    <message>
        <source>from: the month from which the amount applies is required (YYYY-MM)</source>
        <translation>from: le mois à partir duquel le montant s’applique est obligatoire (AAAA-MM)</translation>
    </message>
    <message>
        <source>from: must be the first day of a month</source>
        <translation>from: doit être le premier jour d’un mois</translation>
    </message>
    <message>
        <source>amount: contributions are in %1, not in %2</source>
        <translation>amount: les cotisations sont en %1, et non en %2</translation>
    </message>
    <message>
        <source>amount: %1 is outside the programme&apos;s range, %2 to %3 a month</source>
        <translation>amount: %1 est en dehors de la fourchette du programme, de %2 à %3 par mois</translation>
    </message>
    <message>
        <source>note: at most 500 characters</source>
        <translation>note: 500 caractères au maximum</translation>
    </message>
</context>
<context>
    <name>ContributionPayment</name>
    <message>
        <source>on: the date of the payment is required (YYYY-MM-DD)</source>
        <translation>on: la date du paiement est obligatoire (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <source>on: %1 is in the future</source>
        <translation>on: la date %1 est dans le futur</translation>
    </message>
    <message>
        <source>amount: contributions are in %1, not in %2</source>
        <translation>amount: les cotisations sont en %1, et non en %2</translation>
    </message>
    <message>
        <source>amount: must be more than 0</source>
        <translation>amount: doit être supérieur à 0</translation>
    </message>
    <message>
        <source>amount: %1 is more than ten years of the maximum contribution</source>
        <translation>amount: %1 dépasse dix ans de cotisation maximale</translation>
    </message>
    <message>
        <source>note: at most 500 characters</source>
        <translation>note: 500 caractères au maximum</translation>
    </message>
</context>
<context>
    <name>ContributionService</name>
    <message>
        <source>There is no household %1.</source>
        <translation>Aucun foyer n’a le code %1.</translation>
    </message>
</context>
<context>
    <name>CsvTable</name>
    <message>
        <source>%1: cannot be read: %2</source>
        <translation>%1: lecture impossible : %2</translation>
    </message>
    <message>
        <source>%1:%2: the file is not in UTF-8; save it from the spreadsheet as &quot;CSV UTF-8&quot;.</source>
        <translation>%1:%2: le fichier n’est pas en UTF-8 ; enregistrez-le depuis le tableur au format « CSV UTF-8 ».</translation>
    </message>
    <message>
        <source>%1: the file is empty.</source>
        <translation>%1: le fichier est vide.</translation>
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
    <message>
        <source>The disk is full: nothing was saved. Free some space on the disk of the database %1 and try again. (%2)</source>
        <translation>Le disque est plein : rien n’a été enregistré. Libérez de l’espace sur le disque de la base de données %1 et réessayez. (%2)</translation>
    </message>
    <message>
        <source>The database %1 is read-only: nothing was saved. Ask your administrator to make it writable again. (%2)</source>
        <translation>La base de données %1 est en lecture seule : rien n’a été enregistré. Demandez à votre administrateur de la rendre de nouveau accessible en écriture. (%2)</translation>
    </message>
    <message>
        <source>The disk of the database %1 could not be read or written: nothing was saved. Check the disk, then try again. (%2)</source>
        <translation>Le disque de la base de données %1 n’a pas pu être lu ou écrit : rien n’a été enregistré. Vérifiez le disque, puis réessayez. (%2)</translation>
    </message>
    <message>
        <source>The database %1 is damaged: nothing was saved. Restore it from a backup. (%2)</source>
        <translation>La base de données %1 est endommagée : rien n’a été enregistré. Restaurez-la à partir d’une sauvegarde. (%2)</translation>
    </message>
    <message>
        <source>The database %1 is busy with another user&apos;s change: nothing was saved. Try again in a moment. (%2)</source>
        <translation>La base de données %1 est occupée par la modification d’un autre utilisateur : rien n’a été enregistré. Réessayez dans un instant. (%2)</translation>
    </message>
    <message>
        <source>This change collided with another user&apos;s change to the database %1: nothing was saved. Try again. (%2)</source>
        <translation>Cette modification est entrée en conflit avec celle d’un autre utilisateur dans la base de données %1 : rien n’a été enregistré. Réessayez. (%2)</translation>
    </message>
    <message>
        <source>The connection to the database %1 was lost: nothing was saved. Check the network and the server, then try again. (%2)</source>
        <translation>La connexion à la base de données %1 a été perdue : rien n’a été enregistré. Vérifiez le réseau et le serveur, puis réessayez. (%2)</translation>
    </message>
    <message>
        <source>This is already in the database %1 (a code or number used twice, perhaps saved by someone else at the same moment): nothing was saved. Reload and try again. (%2)</source>
        <translation>Cet élément existe déjà dans la base de données %1 (un code ou un numéro utilisé deux fois, peut-être enregistré par quelqu’un d’autre au même moment) : rien n’a été enregistré. Rechargez et réessayez. (%2)</translation>
    </message>
    <message>
        <source>%1 is damaged: the file is shorter than SQLite&apos;s own header says (%2 bytes instead of %3), it was probably cut by an interrupted copy or a full disk. Restore the database from a backup; nothing was changed.</source>
        <translation>La base de données %1 est endommagée : le fichier est plus court que ne l’indique son propre en-tête SQLite (%2 octets au lieu de %3) ; il a probablement été tronqué par une copie interrompue ou un disque plein. Restaurez la base de données à partir d’une sauvegarde ; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Cabas encrypts the connection to a server on another machine and checks its certificate (sslmode=%1). Give the certificate of the authority that signed the server&apos;s in the address (?sslrootcert=FILE), or ask the server&apos;s administrator to enable TLS. Only on a network you trust entirely, ?sslmode=disable connects without encryption (passwords and data in clear).</source>
        <translation>Cabas chiffre la connexion à un serveur situé sur une autre machine et vérifie son certificat (sslmode=%1). Indiquez dans l’adresse le certificat de l’autorité qui a signé celui du serveur (?sslrootcert=FICHIER), ou demandez à l’administrateur·rice du serveur d’activer TLS. Seulement sur un réseau de toute confiance, ?sslmode=disable se connecte sans chiffrement (mots de passe et données en clair).</translation>
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
    <message>
        <source>The demo&apos;s staff accounts need the key ring of an administrator&apos;s session: log in again as an administrator.</source>
        <translation>Les comptes du personnel de la démonstration ont besoin du trousseau de clés d’une session d’administration : reconnectez-vous en tant qu’administrateur·rice.</translation>
    </message>
</context>
<context>
    <name>DemoProgramme</name>
    <message>
        <source>&quot;%1&quot; is not a demo scheme (%2).</source>
        <translation>« %1 » n’est pas un dispositif de démonstration (%2).</translation>
    </message>
    <message>
        <source>This database already has households: the demo only fills a new, empty database (cabas-cli init, then cabas-cli demo).</source>
        <translation>Cette base de données contient déjà des foyers : la démonstration ne remplit qu’une base de données neuve et vide (cabas-cli init, puis cabas-cli demo).</translation>
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
    <name>FeedClient</name>
    <message>
        <source>The sync was cancelled.</source>
        <translation>La synchronisation a été annulée.</translation>
    </message>
    <message>
        <source>the connection was cut after %1 of %2 bytes</source>
        <translation>la connexion a été coupée après %1 octets sur %2</translation>
    </message>
    <message>
        <source>The secure connection to the ledger feed %1 failed: %2</source>
        <translation>La connexion sécurisée au flux des mouvements de carte %1 a échoué : %2</translation>
    </message>
    <message>
        <source>HTTP %1 (%2)</source>
        <translation>HTTP %1 (%2)</translation>
    </message>
    <message>
        <source>The ledger feed refused the request (HTTP 400: %1).</source>
        <translation>Le flux des mouvements de carte a refusé la requête (HTTP 400 : %1).</translation>
    </message>
    <message>
        <source>The ledger feed refused the token (HTTP 401: %1): check the token file given by the card operator.</source>
        <translation>Le flux des mouvements de carte a refusé le jeton (HTTP 401 : %1) : vérifiez le fichier de jeton fourni par l’opérateur de la carte.</translation>
    </message>
    <message>
        <source>The ledger feed has no %1 (HTTP 404): check the address %2.</source>
        <translation>Le flux des mouvements de carte ne connaît pas %1 (HTTP 404) : vérifiez l’adresse %2.</translation>
    </message>
    <message>
        <source>The ledger feed no longer knows the sync position (HTTP 410: %1).</source>
        <translation>Le flux des mouvements de carte ne connaît plus la position de synchronisation (HTTP 410 : %1).</translation>
    </message>
    <message>
        <source>The ledger feed answered HTTP %1 (%2).</source>
        <translation>Le flux des mouvements de carte a répondu HTTP %1 (%2).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a ledger feed address (https://...).</source>
        <translation>« %1 » n’est pas une adresse de flux des mouvements de carte (https://...).</translation>
    </message>
    <message>
        <source>The ledger feed address %1 uses plain HTTP: the ledger and the token would cross the network unencrypted. Use https:// (plain http is only allowed to this computer, for tests).</source>
        <translation>L’adresse du flux des mouvements de carte %1 utilise HTTP simple : les mouvements et le jeton traverseraient le réseau sans chiffrement. Utilisez https:// (le http simple n’est autorisé que vers cet ordinateur, pour les tests).</translation>
    </message>
    <message>
        <source>The page size must be between 1 and 1000, not %1.</source>
        <translation>La taille de page doit être comprise entre 1 et 1000, et non %1.</translation>
    </message>
    <message>
        <source>The ledger feed %1 did not answer after %2 attempts (last: %3). Nothing was lost: the next sync resumes where this one stopped.</source>
        <translation>Le flux des mouvements de carte %1 n’a pas répondu après %2 tentatives (dernière : %3). Rien n’a été perdu : la prochaine synchronisation reprendra là où celle-ci s’est arrêtée.</translation>
    </message>
    <message>
        <source>%1; trying again in %2 s</source>
        <translation>%1 ; nouvelle tentative dans %2 s</translation>
    </message>
</context>
<context>
    <name>FeedParser</name>
    <message>
        <source>The ledger feed sent an invalid page (nothing of it was stored): %1, field %2: %3</source>
        <translation>Le flux des mouvements de carte a envoyé une page non valide (rien n’en a été enregistré) : %1, champ %2 : %3</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>manquant</translation>
    </message>
    <message>
        <source>a text was expected</source>
        <translation>un texte était attendu</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vide</translation>
    </message>
    <message>
        <source>a text or null was expected</source>
        <translation>un texte ou null était attendu</translation>
    </message>
    <message>
        <source>a whole number was expected</source>
        <translation>un nombre entier était attendu</translation>
    </message>
    <message>
        <source>true or false was expected</source>
        <translation>true ou false était attendu</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not one of %2</source>
        <translation>« %1 » ne fait pas partie de %2</translation>
    </message>
    <message>
        <source>The ledger feed sent a page that is not JSON (nothing of it was stored): %1 at byte %2.</source>
        <translation>Le flux des mouvements de carte a envoyé une page qui n’est pas du JSON (rien n’en a été enregistré) : %1 à l’octet %2.</translation>
    </message>
    <message>
        <source>The ledger feed sent a page that is not a JSON object (nothing of it was stored).</source>
        <translation>Le flux des mouvements de carte a envoyé une page qui n’est pas un objet JSON (rien n’en a été enregistré).</translation>
    </message>
    <message>
        <source>a list was expected</source>
        <translation>une liste était attendue</translation>
    </message>
    <message>
        <source>entry %1</source>
        <translation>mouvement %1</translation>
    </message>
    <message>
        <source>an object was expected</source>
        <translation>un objet était attendu</translation>
    </message>
    <message>
        <source>must be 1 or more</source>
        <translation>doit valoir 1 ou plus</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date and time with its offset (2024-06-30T23:05:00+02:00)</source>
        <translation>« %1 » n’est pas une date et heure avec son décalage (2024-06-30T23:05:00+02:00)</translation>
    </message>
    <message>
        <source>an object or null was expected</source>
        <translation>un objet ou null était attendu</translation>
    </message>
    <message>
        <source>missing (a %1 names its merchant)</source>
        <translation>manquant (un %1 indique son commerçant)</translation>
    </message>
    <message>
        <source>a %1 must be positive, not %2</source>
        <translation>un %1 doit être positif, et non %2</translation>
    </message>
    <message>
        <source>a purchase must be negative, not %1</source>
        <translation>un achat doit être négatif, et non %1</translation>
    </message>
    <message>
        <source>card %1</source>
        <translation>carte %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date (2024-06-01)</source>
        <translation>« %1 » n’est pas une date (2024-06-01)</translation>
    </message>
    <message>
        <source>the page</source>
        <translation>la page</translation>
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
        <translation>%1: la colonne %2 est manquante</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: colonne « %2 » inconnue ignorée</translation>
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
    <name>HealthSealing</name>
    <message>
        <source>An encrypted health value is damaged (%1).</source>
        <translation>Une donnée de santé chiffrée est endommagée (%1).</translation>
    </message>
    <message>
        <source>This database keeps health data encrypted, and this session has no health key to open it: only a nurse&apos;s session holds it (nothing was read or written).</source>
        <translation>Cette base de données garde les données de santé chiffrées, et cette session n’a pas de clé santé pour les ouvrir : seule la session d’un infirmier la détient (rien n’a été lu ni écrit).</translation>
    </message>
    <message>
        <source>This database keeps the cohort&apos;s health figures encrypted, and this session has no cohort key yet: a nurse&apos;s next login gives it, then log in again (nothing was read or written).</source>
        <translation>Cette base de données garde chiffrés les chiffres de santé de la cohorte, et cette session n’a pas encore de clé de cohorte : la prochaine connexion d’un infirmier la lui donne, reconnectez-vous ensuite (rien n’a été lu ni écrit).</translation>
    </message>
    <message>
        <source>Sealing the health data of a database runs inside its migration&apos;s transaction.</source>
        <translation>Le chiffrement des données de santé d’une base s’exécute dans la transaction de sa migration.</translation>
    </message>
    <message>
        <source>Sealing the health data needs the health key and the cohort key (a nurse&apos;s keys).</source>
        <translation>Le chiffrement des données de santé demande la clé santé et la clé de cohorte (les clés d’un infirmier).</translation>
    </message>
    <message>
        <source>Writing the cohort&apos;s rows per member runs inside a transaction.</source>
        <translation>L&apos;écriture des lignes de la cohorte par membre se fait à l&apos;intérieur d&apos;une transaction.</translation>
    </message>
    <message>
        <source>Writing the cohort&apos;s rows per member needs the cohort key.</source>
        <translation>L&apos;écriture des lignes de la cohorte par membre demande la clé de cohorte.</translation>
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
    <message>
        <source>date: %1 is in the future.</source>
        <translation>date: la date %1 est dans le futur.</translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>Aucun foyer n’a le code %1.</translation>
    </message>
    <message>
        <source>No member of %1 has health follow-up consent on %2: no support session can be recorded for that date.</source>
        <translation>Aucun membre du foyer %1 n’a de consentement au suivi santé valable le %2 : aucun accompagnement individuel ne peut être enregistré à cette date.</translation>
    </message>
    <message>
        <source>%1 has no such checkup.</source>
        <translation>Ce bilan de santé de %1 est introuvable.</translation>
    </message>
    <message>
        <source>reason: a correction needs its reason</source>
        <translation>reason: une correction doit avoir un motif</translation>
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
    <name>HouseholdConflict</name>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Référent</translation>
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
        <source>Exited on</source>
        <translation>Date de sortie</translation>
    </message>
    <message>
        <source>Exit reason</source>
        <translation>Motif de sortie</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>birth date</source>
        <translation>date de naissance</translation>
    </message>
    <message>
        <source>arrival</source>
        <translation>arrivée</translation>
    </message>
    <message>
        <source>departure</source>
        <translation>départ</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1 (%2) : %3</translation>
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
    <message>
        <source>effective_on: the date of the status change is required</source>
        <translation>effective_on: la date du changement de statut est obligatoire</translation>
    </message>
    <message>
        <source>note: the note is empty</source>
        <translation>note: la note est vide</translation>
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
    <message>
        <source>commune: the commune is required</source>
        <translation>commune: la commune est obligatoire</translation>
    </message>
    <message>
        <source>enrolled_on: the enrolment date is required</source>
        <translation>enrolled_on: la date d’inscription est obligatoire</translation>
    </message>
    <message>
        <source>enrolled_on: the enrolment date is in the future</source>
        <translation>enrolled_on: la date d’inscription est dans le futur</translation>
    </message>
    <message>
        <source>household_code: the household code %1 is already used</source>
        <translation>household_code: le code de foyer %1 est déjà utilisé</translation>
    </message>
    <message>
        <source>members: a household has at least one member</source>
        <translation>members: un foyer compte au moins un membre</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>membre %1</translation>
    </message>
    <message>
        <source>birth_date: the birth date is in the future</source>
        <translation>birth_date: la date de naissance est dans le futur</translation>
    </message>
    <message>
        <source>role: %1 is %2 years old, an adult for the programme</source>
        <translation>role: %1 a %2 ans et compte donc comme adulte pour le programme</translation>
    </message>
    <message>
        <source>person_code: the person code %1 is already used</source>
        <translation>person_code: le code de personne %1 est déjà utilisé</translation>
    </message>
    <message>
        <source>members: a household has at least one adult</source>
        <translation>members: un foyer compte au moins un adulte</translation>
    </message>
    <message>
        <source>consents: more consent lists than members</source>
        <translation>consents: plus de listes de consentements que de membres</translation>
    </message>
    <message>
        <source>card_id: the card %1 is already known</source>
        <translation>card_id: la carte %1 est déjà enregistrée</translation>
    </message>
    <message>
        <source>effective_on: the date of the status change is required</source>
        <translation>effective_on: la date du changement de statut est obligatoire</translation>
    </message>
    <message>
        <source>effective_on: the date of the status change is in the future</source>
        <translation>effective_on: la date du changement de statut est dans le futur</translation>
    </message>
    <message>
        <source>exit_reason: an exit needs its reason</source>
        <translation>exit_reason: une sortie doit avoir un motif</translation>
    </message>
    <message>
        <source>status: the household is already %1</source>
        <translation>status: le foyer est déjà %1</translation>
    </message>
    <message>
        <source>status: a replaced card is lost, blocked or closed</source>
        <translation>status: une carte remplacée est perdue, bloquée ou fermée</translation>
    </message>
    <message>
        <source>issued_on: the date of the new card is missing or in the future</source>
        <translation>issued_on: la date de la nouvelle carte est manquante ou dans le futur</translation>
    </message>
    <message>
        <source>The card %1 belongs to no household.</source>
        <translation>La carte %1 n’appartient à aucun foyer.</translation>
    </message>
    <message>
        <source>replaces %1</source>
        <translation>remplace %1</translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>Aucun foyer n’a le code %1.</translation>
    </message>
    <message>
        <source>This database has no programme.</source>
        <translation>Cette base de données n’a pas de programme.</translation>
    </message>
    <message>
        <source>referent: %1 is not an active social worker</source>
        <translation>referent: %1 n’est pas un travailleur social actif</translation>
    </message>
    <message>
        <source>%1 is not a member of household %2.</source>
        <translation>%1 n’est pas membre du foyer %2.</translation>
    </message>
    <message>
        <source>new member %1</source>
        <translation>nouveau membre %1</translation>
    </message>
    <message>
        <source>%1 (%2) left the household on %3: %4</source>
        <translation>%1 (%2) a quitté le foyer le %3 : %4</translation>
    </message>
    <message>
        <source>birth_date: %1 would make this person %2 years old</source>
        <translation>birth_date: avec la date %1, cette personne aurait %2 ans</translation>
    </message>
    <message>
        <source>arrived_on: the arrival date is required</source>
        <translation>arrived_on: la date d’arrivée est obligatoire</translation>
    </message>
    <message>
        <source>arrived_on: the arrival is in the future</source>
        <translation>arrived_on: la date d’arrivée est dans le futur</translation>
    </message>
    <message>
        <source>left_on: the departure is in the future</source>
        <translation>left_on: la date de départ est dans le futur</translation>
    </message>
    <message>
        <source>left_on: the departure is before the birth date</source>
        <translation>left_on: la date de départ est antérieure à la date de naissance</translation>
    </message>
    <message>
        <source>departure_reason: a departure needs its reason</source>
        <translation>departure_reason: un départ doit avoir un motif</translation>
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
    <name>IncomeAssessment</name>
    <message>
        <source>effective_on: the date from which the assessment applies is required</source>
        <translation>effective_on: la date à partir de laquelle l’évaluation s’applique est obligatoire</translation>
    </message>
    <message>
        <source>monthly_income_cents: must not be negative</source>
        <translation>monthly_income_cents: ne doit pas être négatif</translation>
    </message>
    <message>
        <source>consumption_units: must be between 1 and 50</source>
        <translation>consumption_units: doit être compris entre 1 et 50</translation>
    </message>
    <message>
        <source>income_from, income_to: give both ends of the income period, or neither</source>
        <translation>income_from, income_to: indiquez les deux bornes de la période de ressources, ou aucune</translation>
    </message>
    <message>
        <source>income_to: the end of the income period is before its start</source>
        <translation>income_to: la fin de la période de ressources est antérieure à son début</translation>
    </message>
    <message>
        <source>income_from: the income period starts after the assessment applies</source>
        <translation>income_from: la période de ressources commence après la date d’effet de l’évaluation</translation>
    </message>
</context>
<context>
    <name>IncomeService</name>
    <message>
        <source>There is no household %1.</source>
        <translation>Aucun foyer n’a le code %1.</translation>
    </message>
    <message>
        <source>consumption_units: household %1 has no member on %2, so its consumption units cannot be counted; give them.</source>
        <translation>consumption_units: le foyer %1 n’a aucun membre au %2, ses unités de consommation ne peuvent donc pas être calculées ; indiquez-les.</translation>
    </message>
    <message>
        <source>effective on %1</source>
        <translation>à compter du %1</translation>
    </message>
</context>
<context>
    <name>KeyRing</name>
    <message>
        <source>The key slot&apos;s key derivation settings are not acceptable (altered slot).</source>
        <translation>Les paramètres de dérivation de clé de l’emplacement de clé ne sont pas acceptables (emplacement altéré).</translation>
    </message>
    <message>
        <source>Not enough memory to derive the key from the password.</source>
        <translation>Mémoire insuffisante pour dériver la clé à partir du mot de passe.</translation>
    </message>
    <message>
        <source>The key ring&apos;s signing key has a wrong length.</source>
        <translation>La clé de signature du trousseau de clés n’a pas la bonne longueur.</translation>
    </message>
    <message>
        <source>The key ring of this database was altered: %1. Restore a backup or use the recovery key.</source>
        <translation>Le trousseau de clés de cette base de données a été altéré : %1. Restaurez une sauvegarde ou utilisez la clé de secours.</translation>
    </message>
    <message>
        <source>The first key slot of a database belongs to a saved administrator.</source>
        <translation>Le premier emplacement de clé d’une base de données appartient à un administrateur enregistré.</translation>
    </message>
    <message>
        <source>its header is damaged</source>
        <translation>son en-tête est endommagé</translation>
    </message>
    <message>
        <source>Wrong password, or the key slot was altered.</source>
        <translation>Mot de passe incorrect, ou l’emplacement de clé a été altéré.</translation>
    </message>
    <message>
        <source>a key slot has an unknown format</source>
        <translation>un emplacement de clé a un format inconnu</translation>
    </message>
    <message>
        <source>the data key does not match the database</source>
        <translation>la clé des données ne correspond pas à la base de données</translation>
    </message>
    <message>
        <source>the root key does not match the database</source>
        <translation>la clé racine ne correspond pas à la base de données</translation>
    </message>
    <message>
        <source>a slot&apos;s public key was replaced</source>
        <translation>la clé publique d’un emplacement a été remplacée</translation>
    </message>
    <message>
        <source>a slot&apos;s certificate does not match its role</source>
        <translation>le certificat d’un emplacement ne correspond pas à son rôle</translation>
    </message>
    <message>
        <source>a health grant has no health key to match</source>
        <translation>un accès à la clé santé n’a aucune clé santé correspondante</translation>
    </message>
    <message>
        <source>a health grant does not open the database&apos;s health key</source>
        <translation>un accès à la clé santé n’ouvre pas la clé santé de la base de données</translation>
    </message>
    <message>
        <source>The recovery slot opens with the recovery key, not a password.</source>
        <translation>L’emplacement de secours s’ouvre avec la clé de secours, et non avec un mot de passe.</translation>
    </message>
    <message>
        <source>This is not the recovery slot.</source>
        <translation>Ceci n’est pas l’emplacement de secours.</translation>
    </message>
    <message>
        <source>This recovery key does not open this database (or its recovery slot was altered).</source>
        <translation>Cette clé de secours n’ouvre pas cette base de données (ou son emplacement de secours a été altéré).</translation>
    </message>
    <message>
        <source>The health key is not available to this user: only nurses&apos; key slots open it.</source>
        <translation>La clé santé n’est pas accessible à cet utilisateur : seuls les emplacements de clé des infirmiers l’ouvrent.</translation>
    </message>
    <message>
        <source>An encrypted value is damaged (%1).</source>
        <translation>Une valeur chiffrée est endommagée (%1).</translation>
    </message>
    <message>
        <source>An encrypted value was altered or moved (%1).</source>
        <translation>Une valeur chiffrée a été altérée ou déplacée (%1).</translation>
    </message>
    <message>
        <source>Only an administrator (or the recovery key) can issue a key slot.</source>
        <translation>Seul un administrateur (ou la clé de secours) peut créer un emplacement de clé.</translation>
    </message>
    <message>
        <source>A key slot belongs to a saved user.</source>
        <translation>Un emplacement de clé appartient à un utilisateur enregistré.</translation>
    </message>
    <message>
        <source>The key derivation limits are below libsodium&apos;s interactive limits.</source>
        <translation>Les limites de dérivation de clé sont inférieures aux limites interactives de libsodium.</translation>
    </message>
    <message>
        <source>A user can only re-wrap their own key slot.</source>
        <translation>Un utilisateur ne peut rechiffrer que son propre emplacement de clé.</translation>
    </message>
    <message>
        <source>Only a nurse creates the health key.</source>
        <translation>Seul un infirmier crée la clé santé.</translation>
    </message>
    <message>
        <source>This database already has a health key.</source>
        <translation>Cette base de données a déjà une clé santé.</translation>
    </message>
    <message>
        <source>The health key is only granted to nurses (and the recovery key).</source>
        <translation>La clé santé n’est accordée qu’aux infirmiers (et à la clé de secours).</translation>
    </message>
    <message>
        <source>a slot waiting for the health key has no valid certificate</source>
        <translation>un emplacement en attente de la clé santé n’a pas de certificat valide</translation>
    </message>
    <message>
        <source>The recovery key has a character that cannot be in it: &quot;%1&quot;.</source>
        <translation>La clé de secours contient un caractère qui ne peut pas y figurer : « %1 ».</translation>
    </message>
    <message>
        <source>A recovery key has 32 letters and digits (8 groups of 4); this one has %1.</source>
        <translation>Une clé de secours comporte 32 lettres et chiffres (8 groupes de 4) ; celle-ci en a %1.</translation>
    </message>
    <message>
        <source>This database already has its keys.</source>
        <translation>Cette base de données a déjà ses clés.</translation>
    </message>
    <message>
        <source>This database has no keys yet.</source>
        <translation>Cette base de données n’a pas encore de clés.</translation>
    </message>
    <message>
        <source>User %1 has no key slot: an administrator must set their password again.</source>
        <translation>L’utilisateur %1 n’a pas d’emplacement de clé : un administrateur doit redéfinir son mot de passe.</translation>
    </message>
    <message>
        <source>User %1 has no key slot.</source>
        <translation>L’utilisateur %1 n’a pas d’emplacement de clé.</translation>
    </message>
    <message>
        <source>a cohort grant has no cohort key to match</source>
        <translation>un accès à la clé de cohorte n’a aucune clé de cohorte correspondante</translation>
    </message>
    <message>
        <source>a cohort grant does not open the database&apos;s cohort key</source>
        <translation>un accès à la clé de cohorte n’ouvre pas la clé de cohorte de la base de données</translation>
    </message>
    <message>
        <source>The cohort key is not available to this user: only nurses&apos; and coordinators&apos; key slots open it.</source>
        <translation>La clé de cohorte n’est pas accessible à cet utilisateur : seuls les emplacements de clé des infirmiers et des coordinateurs l’ouvrent.</translation>
    </message>
    <message>
        <source>Only a nurse holding the health key creates the cohort key.</source>
        <translation>Seul un infirmier qui détient la clé santé crée la clé de cohorte.</translation>
    </message>
    <message>
        <source>This database already has a cohort key.</source>
        <translation>Cette base de données a déjà une clé de cohorte.</translation>
    </message>
    <message>
        <source>The cohort key is only granted to nurses and coordinators (and the recovery key).</source>
        <translation>La clé de cohorte n’est donnée qu’aux infirmiers et aux coordinateurs (et à la clé de secours).</translation>
    </message>
    <message>
        <source>a slot waiting for the cohort key has no valid certificate</source>
        <translation>un emplacement en attente de la clé de cohorte n’a pas de certificat valide</translation>
    </message>
    <message>
        <source>Only an administrator (or the recovery key) can seal a database.</source>
        <translation>Seul un administrateur (ou la clé de secours) peut chiffrer une base.</translation>
    </message>
    <message>
        <source>Only an administrator (or the recovery key) can issue a recovery key.</source>
        <translation>Seul un administrateur (ou la clé de secours) peut créer une clé de secours.</translation>
    </message>
    <message>
        <source>Only an administrator can replace the recovery key.</source>
        <translation>Seul un administrateur peut remplacer la clé de secours.</translation>
    </message>
    <message>
        <source>This database has no recovery key to replace: it has no key ring.</source>
        <translation>Cette base de données n’a pas de clé de secours à remplacer : elle n’a pas de trousseau de clés.</translation>
    </message>
    <message>
        <source>the administrator&apos;s keys are not this database&apos;s</source>
        <translation>les clés de l’administrateur ne sont pas celles de cette base</translation>
    </message>
</context>
<context>
    <name>KeySlotRepository</name>
    <message>
        <source>This database already has a key ring.</source>
        <translation>Cette base de données a déjà un trousseau de clés.</translation>
    </message>
    <message>
        <source>Another nurse created the health key meanwhile: log in again.</source>
        <translation>Un autre infirmier a créé la clé santé entre-temps : reconnectez-vous.</translation>
    </message>
    <message>
        <source>The key slot changed meanwhile (its password was reset): nothing was changed.</source>
        <translation>L’emplacement de clé a changé entre-temps (son mot de passe a été réinitialisé) : rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Another nurse created the cohort key meanwhile: log in again.</source>
        <translation>Un autre infirmier a créé la clé de cohorte entre-temps : reconnectez-vous.</translation>
    </message>
</context>
<context>
    <name>LedgerEntry</name>
    <message>
        <source>the entry id is missing</source>
        <translation>l’identifiant du mouvement est manquant</translation>
    </message>
    <message>
        <source>the revision must be a whole number of 1 or more</source>
        <translation>la révision doit être un nombre entier supérieur ou égal à 1</translation>
    </message>
    <message>
        <source>the card is missing</source>
        <translation>la carte est manquante</translation>
    </message>
    <message>
        <source>the kind is missing</source>
        <translation>le type est manquant</translation>
    </message>
    <message>
        <source>unknown status &quot;%1&quot; (expected pending, posted or voided)</source>
        <translation>statut « %1 » inconnu (valeurs attendues : pending, posted ou voided)</translation>
    </message>
    <message>
        <source>the currency is missing</source>
        <translation>la monnaie est manquante</translation>
    </message>
    <message>
        <source>the date and time are missing or invalid</source>
        <translation>la date et l’heure sont manquantes ou non valides</translation>
    </message>
    <message>
        <source>a %1 must have a positive amount</source>
        <translation>un mouvement de type %1 doit avoir un montant positif</translation>
    </message>
    <message>
        <source>a purchase must have a negative amount</source>
        <translation>un achat doit avoir un montant négatif</translation>
    </message>
    <message>
        <source>the merchant has no id</source>
        <translation>le commerçant n’a pas d’identifiant</translation>
    </message>
</context>
<context>
    <name>LedgerImport</name>
    <message>
        <source>%1: the column %2 is missing</source>
        <translation>%1: la colonne %2 est manquante</translation>
    </message>
    <message>
        <source>%1: the column amount_cents (or amount, in euros) is missing</source>
        <translation>%1: la colonne amount_cents (ou amount, en euros) est manquante</translation>
    </message>
    <message>
        <source>%1: give amount_cents or amount, not both</source>
        <translation>%1: indiquez amount_cents ou amount, pas les deux</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: colonne « %2 » inconnue ignorée</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a whole number of 1 or more</source>
        <translation>« %1 » n’est pas un nombre entier supérieur ou égal à 1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a kind (allowance, bonus, purchase, refund, transfer, adjustment)</source>
        <translation>« %1 » n’est pas un type (allowance, bonus, purchase, refund, transfer, adjustment)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a whole number of cents</source>
        <translation>« %1 » n’est pas un nombre entier de centimes</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an amount in euros (such as -12,50)</source>
        <translation>« %1 » n’est pas un montant en euros (comme -12,50)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date and time with its offset (such as 2024-06-30T23:05:00+02:00)</source>
        <translation>« %1 » n’est pas une date et heure avec son décalage horaire (comme 2024-06-30T23:05:00+02:00)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be true or false</source>
        <translation>« %1 » doit être true ou false</translation>
    </message>
    <message>
        <source>%1 revision %2 is also at line %3 with a different %4</source>
        <translation>%1, révision %2, figure aussi à la ligne %3 avec une autre valeur de %4</translation>
    </message>
</context>
<context>
    <name>LedgerImportReport</name>
    <message>
        <source>Ledger entries: %1 rows; %2 new, %3 revised, %4 already up to date.</source>
        <translation>Mouvements de carte : %1 lignes ; %2 nouveaux, %3 révisés, %4 déjà à jour.</translation>
    </message>
</context>
<context>
    <name>LedgerRepository</name>
    <message>
        <source>Ledger entry %1: %2: %3</source>
        <translation>Mouvement %1 : %2 : %3</translation>
    </message>
    <message>
        <source>Ledger card %1: %2: %3</source>
        <translation>Carte %1 des mouvements : %2 : %3</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>manquant</translation>
    </message>
    <message>
        <source>There is no household with id %1.</source>
        <translation>Aucun foyer n’a l’identifiant %1.</translation>
    </message>
    <message>
        <source>The card %1 is unknown: neither the ledger nor Cabas has it.</source>
        <translation>La carte %1 est inconnue : ni les mouvements de carte ni Cabas ne la connaissent.</translation>
    </message>
    <message>
        <source>The card %1 already belongs to household %2.</source>
        <translation>La carte %1 appartient déjà au foyer %2.</translation>
    </message>
    <message>
        <source>There is no merchant %1 in the ledger.</source>
        <translation>Le commerçant %1 ne figure pas dans les mouvements de carte.</translation>
    </message>
</context>
<context>
    <name>LedgerService</name>
    <message>
        <source>There is no household %1.</source>
        <translation>Aucun foyer n’a le code %1.</translation>
    </message>
</context>
<context>
    <name>MerchantRepository</name>
    <message>
        <source>merchant: the ledger has no merchant %1</source>
        <translation>merchant: le registre ne connaît aucun commerçant %1</translation>
    </message>
    <message>
        <source>from: the first day of the approval is required (YYYY-MM-DD)</source>
        <translation>from: le premier jour de l’agrément est obligatoire (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <source>from: %1 is approved from %2 until %3 (withdrawn on that day): a new approval starts on %3 or later</source>
        <translation>from: %1 est agréé du %2 au %3 (retrait ce jour-là) : un nouvel agrément commence le %3 ou plus tard</translation>
    </message>
    <message>
        <source>from: %1 is already approved from %2: withdraw it first</source>
        <translation>from: %1 est déjà agréé depuis le %2 : retirez d’abord cet agrément</translation>
    </message>
    <message>
        <source>on: the day the approval ends is required (YYYY-MM-DD)</source>
        <translation>on: le jour où l’agrément prend fin est obligatoire (AAAA-MM-JJ)</translation>
    </message>
    <message>
        <source>merchant: %1 has no approval in force to withdraw</source>
        <translation>merchant: %1 n’a aucun agrément en vigueur à retirer</translation>
    </message>
    <message>
        <source>on: the withdrawal must come after the first day of the approval (%1)</source>
        <translation>on: le retrait doit venir après le premier jour de l’agrément (%1)</translation>
    </message>
    <message>
        <source>merchant: %1 is approved from %2: withdraw the approval on a date instead</source>
        <translation>merchant: %1 est agréé depuis le %2 : retirez plutôt l’agrément à une date donnée</translation>
    </message>
    <message>
        <source>merchant: %1 is already refused</source>
        <translation>merchant: %1 est déjà refusé</translation>
    </message>
</context>
<context>
    <name>MerchantService</name>
    <message>
        <source>note: at most %1 characters</source>
        <translation>note: %1 caractères au maximum</translation>
    </message>
    <message>
        <source>merchant: the ledger has no merchant %1</source>
        <translation>merchant: le registre ne connaît aucun commerçant %1</translation>
    </message>
</context>
<context>
    <name>PasswordFields</name>
    <message>
        <source>The two passwords differ.</source>
        <translation>Les deux mots de passe diffèrent.</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Erreur inattendue : %1</translation>
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
    <message>
        <source>The database asked for password hashing parameters Cabas does not accept.</source>
        <translation>La base de données a demandé des paramètres de hachage de mot de passe que Cabas n’accepte pas.</translation>
    </message>
    <message>
        <source>The password is not strong enough: %1.</source>
        <translation>Le mot de passe n’est pas assez robuste : %1.</translation>
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
        <translation>%1: la colonne %2 est manquante</translation>
    </message>
    <message>
        <source>%1: unknown column &quot;%2&quot; ignored</source>
        <translation>%1: colonne « %2 » inconnue ignorée</translation>
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
    <message>
        <source>The database roles are out of date: an administrator must run `cabas-cli pg roles` (with this version of Cabas) as the tables&apos; owner.</source>
        <translation>Les rôles de la base de données ne sont pas à jour : un administrateur doit exécuter `cabas-cli pg roles` (avec cette version de Cabas) en tant que propriétaire des tables.</translation>
    </message>
</context>
<context>
    <name>PreventionStep</name>
    <message>
        <source>Screening referral</source>
        <translation>Orientation vers un dépistage</translation>
    </message>
    <message>
        <source>Vaccination</source>
        <translation>Vaccination</translation>
    </message>
    <message>
        <source>Dental care</source>
        <translation>Soins dentaires</translation>
    </message>
    <message>
        <source>Nutrition advice</source>
        <translation>Conseils nutritionnels</translation>
    </message>
    <message>
        <source>Physical activity</source>
        <translation>Activité physique</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
    <message>
        <source>GP</source>
        <translation>Médecin traitant</translation>
    </message>
    <message>
        <source>person_code: the prevention step belongs to a person</source>
        <translation>person_code: la démarche de prévention doit être rattachée à une personne</translation>
    </message>
    <message>
        <source>date: the date of the prevention step is required</source>
        <translation>date: la date de la démarche de prévention est obligatoire</translation>
    </message>
    <message>
        <source>partner: at most %1 characters</source>
        <translation>partner: %1 caractères au maximum</translation>
    </message>
    <message>
        <source>outcome: at most %1 characters</source>
        <translation>outcome: %1 caractères au maximum</translation>
    </message>
    <message>
        <source>notes: at most %1 characters</source>
        <translation>notes: %1 caractères au maximum</translation>
    </message>
    <message>
        <source>next_due: the next step must be due after the date of this one</source>
        <translation>next_due: la démarche suivante doit être prévue après la date de celle-ci</translation>
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
    <message>
        <source>%1 per adult and %2 per child a month</source>
        <translation>%1 par adulte et %2 par enfant et par mois</translation>
    </message>
    <message>
        <source>%1 per person a month</source>
        <translation>%1 par personne et par mois</translation>
    </message>
    <message>
        <source>up to %1 a consumption unit: %2</source>
        <translation>jusqu’à %1 par unité de consommation : %2</translation>
    </message>
    <message>
        <source>above: %1</source>
        <translation>au-delà : %1</translation>
    </message>
    <message>
        <source>By income band, per person a month: %1</source>
        <translation>Par tranche de ressources, par personne et par mois : %1</translation>
    </message>
    <message>
        <source>By income band, per household a month: %1</source>
        <translation>Par tranche de ressources, par foyer et par mois : %1</translation>
    </message>
    <message>
        <source>allowance.per_person_cents: must not be negative</source>
        <translation>allowance.per_person_cents: ne doit pas être négatif</translation>
    </message>
    <message>
        <source>allowance.bands: an income-band allowance needs at least one band</source>
        <translation>allowance.bands: une allocation par tranches de ressources nécessite au moins une tranche</translation>
    </message>
    <message>
        <source>%1.amount_cents: must not be negative</source>
        <translation>%1.amount_cents: ne doit pas être négatif</translation>
    </message>
    <message>
        <source>%1.up_to_cents: must not be negative</source>
        <translation>%1.up_to_cents: ne doit pas être négatif</translation>
    </message>
    <message>
        <source>%1.up_to_cents: only the last band may be open (null)</source>
        <translation>%1.up_to_cents: seule la dernière tranche peut être ouverte (null)</translation>
    </message>
    <message>
        <source>%1.up_to_cents: the last band must be open (null), so that every income has a band</source>
        <translation>%1.up_to_cents: la dernière tranche doit être ouverte (null), pour que toutes ressources relèvent d’une tranche</translation>
    </message>
    <message>
        <source>%1.up_to_cents: bands must come in increasing order of income</source>
        <translation>%1.up_to_cents: les tranches doivent être classées par ordre croissant de ressources</translation>
    </message>
    <message>
        <source>allowance.reassess_months: must be between 1 and 60</source>
        <translation>allowance.reassess_months: doit être compris entre 1 et 60</translation>
    </message>
    <message>
        <source>allowance.consumption_units.first_person: must be more than 0 and at most 10</source>
        <translation>allowance.consumption_units.first_person: doit être supérieur à 0 et au plus égal à 10</translation>
    </message>
    <message>
        <source>allowance.consumption_units.other_persons: must be between 0 and 10</source>
        <translation>allowance.consumption_units.other_persons: doit être compris entre 0 et 10</translation>
    </message>
    <message>
        <source>allowance.consumption_units.children: must be between 0 and 10</source>
        <translation>allowance.consumption_units.children: doit être compris entre 0 et 10</translation>
    </message>
    <message>
        <source>allowance.consumption_units.child_under_age: must be between 1 and 30</source>
        <translation>allowance.consumption_units.child_under_age: doit être compris entre 1 et 30</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an allowance kind (by_role, per_person, income_bands)</source>
        <translation>« %1 » n’est pas un type d’allocation (by_role, per_person, income_bands)</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>doit être true ou false</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a basis (household or person)</source>
        <translation>« %1 » n’est pas une base de calcul (household ou person)</translation>
    </message>
    <message>
        <source>is required, as a list of bands with up_to_cents and amount_cents</source>
        <translation>est obligatoire, sous la forme d’une liste de tranches avec up_to_cents et amount_cents</translation>
    </message>
    <message>
        <source>is required (null for the last, open band)</source>
        <translation>est obligatoire (null pour la dernière tranche, ouverte)</translation>
    </message>
    <message>
        <source>must be a number with at most three decimals, such as 0.5</source>
        <translation>doit être un nombre d’au plus trois décimales, comme 0.5</translation>
    </message>
    <message>
        <source>%1: cannot read the programme file (%2).</source>
        <translation>%1 : impossible de lire le fichier du programme (%2).</translation>
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
        <source>contributions.currency: &quot;%1&quot; is not a currency label (2 to 10 letters, such as EUR)</source>
        <translation>contributions.currency: « %1 » n’est pas un libellé de monnaie (2 à 10 lettres, comme EUR)</translation>
    </message>
    <message>
        <source>contributions.min_monthly_cents: must be at least 1</source>
        <translation>contributions.min_monthly_cents: doit valoir au moins 1</translation>
    </message>
    <message>
        <source>contributions.max_monthly_cents: must be at most 100000000</source>
        <translation>contributions.max_monthly_cents: doit valoir au plus 100000000</translation>
    </message>
    <message>
        <source>contributions.max_monthly_cents: is below min_monthly_cents</source>
        <translation>contributions.max_monthly_cents: est inférieur à min_monthly_cents</translation>
    </message>
    <message>
        <source>is required, as true or false</source>
        <translation>est obligatoire, sous la forme true ou false</translation>
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
    <name>ReconciliationService</name>
    <message>
        <source>The period needs a valid start and end date.</source>
        <translation>La période doit avoir une date de début et une date de fin valides.</translation>
    </message>
    <message>
        <source>The end of the period (%1) is before its start (%2).</source>
        <translation>La fin de la période (%1) est antérieure à son début (%2).</translation>
    </message>
    <message>
        <source>The period is longer than 120 months; reconcile it in parts.</source>
        <translation>La période dépasse 120 mois ; effectuez le rapprochement en plusieurs fois.</translation>
    </message>
    <message>
        <source>This database has no programme.</source>
        <translation>Cette base de données n’a pas de programme.</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>This database has no recovery key: it was made before key rings. An administrator of its server or a backup is the only way back.</source>
        <translation>Cette base de données n’a pas de clé de secours : elle a été créée avant les trousseaux de clés. Seul·e l’administrateur·rice de son serveur ou une sauvegarde peuvent y remédier.</translation>
    </message>
    <message>
        <source>Recovery must connect to this shared database as its owner (the connection that created it), not as a staff login.</source>
        <translation>Le secours doit se connecter à cette base partagée en tant que propriétaire (la connexion qui l’a créée), pas avec un identifiant du personnel.</translation>
    </message>
    <message>
        <source>%1 is not an administrator: choose the login of an administrator or a new login.</source>
        <translation>%1 n’est pas administrateur·rice : choisissez l’identifiant d’un·e administrateur·rice ou un nouvel identifiant.</translation>
    </message>
    <message>
        <source>This database has no recovery key to replace: it was made before key rings and nothing in it is encrypted yet.</source>
        <translation>Cette base de données n’a pas de clé de secours à remplacer : elle a été créée avant les trousseaux de clés et rien n’y est encore chiffré.</translation>
    </message>
    <message>
        <source>This session has not opened the database&apos;s key ring: log out and log in again as an administrator.</source>
        <translation>Cette session n’a pas ouvert le trousseau de clés de la base de données : déconnectez-vous puis reconnectez-vous en tant qu’administrateur.</translation>
    </message>
    <message>
        <source>This connection to the shared database may not write key slots: connect with the administrators&apos; database login (or as the database&apos;s owner). Nothing was changed.</source>
        <translation>Cette connexion à la base partagée ne peut pas écrire les emplacements de clés : connectez-vous avec l’identifiant de base de données des administrateurs (ou en tant que propriétaire de la base). Rien n’a été modifié.</translation>
    </message>
</context>
<context>
    <name>SealExisting</name>
    <message>
        <source>The sealing was cancelled; the database was not changed.</source>
        <translation>Le chiffrement a été annulé ; la base de données n’a pas été modifiée.</translation>
    </message>
    <message>
        <source>%1 is already being sealed.</source>
        <translation>%1 est déjà en cours de chiffrement.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Impossible d’ouvrir %1 : %2</translation>
    </message>
    <message>
        <source>Someone changed %1 while it was being sealed: it was left as it was. Seal it again when nobody else is working on it.</source>
        <translation>Quelqu’un a modifié %1 pendant son chiffrement : elle a été laissée telle quelle. Chiffrez-la de nouveau quand personne d’autre n’y travaille.</translation>
    </message>
    <message>
        <source>%1 is still open in another program: close it there, then seal it again (it was left as it was).</source>
        <translation>%1 est encore ouverte dans un autre programme : fermez-la là-bas, puis chiffrez-la de nouveau (elle a été laissée telle quelle).</translation>
    </message>
</context>
<context>
    <name>Sealed</name>
    <message>
        <source>This database keeps names, addresses and notes encrypted, and this session has no key to open them: log in with your password (nothing was read or written).</source>
        <translation>Cette base de données garde les noms, les adresses et les notes chiffrés, et cette session n’a pas de clé pour les ouvrir : connectez-vous avec votre mot de passe (rien n’a été lu ni écrit).</translation>
    </message>
    <message>
        <source>An encrypted value is damaged (%1).</source>
        <translation>Une valeur chiffrée est endommagée (%1).</translation>
    </message>
    <message>
        <source>%1 keeps its data encrypted in a way this version of Cabas does not know (format &quot;%2&quot;). Install the newer version of Cabas to open it; nothing was changed.</source>
        <translation>%1 garde ses données chiffrées d’une manière que cette version de Cabas ne connaît pas (format « %2 »). Installez la version plus récente de Cabas pour l’ouvrir ; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Only a new, empty database can be sealed this way.</source>
        <translation>Seule une base de données nouvelle et vide peut être chiffrée de cette façon.</translation>
    </message>
    <message>
        <source>An administrator has just encrypted %1: log in again to go on (nothing was written).</source>
        <translation>Un administrateur vient de chiffrer %1 : reconnectez-vous pour continuer (rien n’a été enregistré).</translation>
    </message>
</context>
<context>
    <name>Sealing</name>
    <message>
        <source>The sealing was cancelled; the database was not changed.</source>
        <translation>Le chiffrement a été annulé ; la base de données n’a pas été modifiée.</translation>
    </message>
    <message>
        <source>Your key slot is missing: ask another administrator to set your password again, then seal the database. Nothing was changed.</source>
        <translation>Votre emplacement de clés manque : demandez à un autre administrateur de redéfinir votre mot de passe, puis chiffrez la base. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Sealing must connect to this shared database as its owner (the connection that created it), not as a staff login. Nothing was changed.</source>
        <translation>Le chiffrement doit se connecter à cette base partagée en tant que propriétaire (la connexion qui l’a créée), pas avec un identifiant du personnel. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The password is wrong: the database was not sealed, nothing was changed.</source>
        <translation>Le mot de passe est faux : la base n’a pas été chiffrée, rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The backup %1 does not hold the same rows as the database: nothing was sealed.</source>
        <translation>La sauvegarde %1 ne contient pas les mêmes lignes que la base : rien n’a été chiffré.</translation>
    </message>
    <message>
        <source>The backup %1 is empty: nothing was sealed.</source>
        <translation>La sauvegarde %1 est vide : rien n’a été chiffré.</translation>
    </message>
    <message>
        <source>The sealed data did not read back as it was: nothing was changed.</source>
        <translation>Les données chiffrées ne se relisent pas à l’identique : rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The sealed copy has no key slot for you: nothing was changed.</source>
        <translation>La copie chiffrée n’a pas d’emplacement de clés pour vous : rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The sealed copy did not read back as the database: nothing was changed.</source>
        <translation>La copie chiffrée ne se relit pas comme la base : rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Someone changed %1 while it was being sealed: it was left as it was. Seal it again when nobody else is working on it.</source>
        <translation>Quelqu’un a modifié %1 pendant son chiffrement : elle a été laissée telle quelle. Chiffrez-la de nouveau quand personne d’autre n’y travaille.</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>This database has no recovery slot: its health data cannot be sealed. Nothing was changed.</source>
        <translation>Cette base n’a pas d’emplacement pour la clé de secours : ses données de santé ne peuvent pas être chiffrées. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The recovery key does not hold this database&apos;s health key: nothing was changed.</source>
        <translation>La clé de secours ne donne pas accès à la clé santé de cette base : rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The sealed health data did not read back as it was: nothing was changed.</source>
        <translation>Les données de santé chiffrées ne se relisent pas à l’identique : rien n’a été modifié.</translation>
    </message>
    <message>
        <source>%1 is already sealed: its names, addresses, notes and health data are already encrypted. Nothing was changed.</source>
        <translation>%1 est déjà chiffrée : ses noms, adresses, notes et données de santé le sont déjà. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The recovery key of %1 does not hold its health key yet (no nurse has logged in since the key was made): the database was not sealed, nothing was changed. Ask a nurse to log in once, then seal it again.</source>
        <translation>La clé de secours de %1 ne donne pas encore accès à sa clé santé (aucune infirmière ne s’est connectée depuis sa création) : la base n’a pas été chiffrée, rien n’a été modifié. Demandez à une infirmière de se connecter une fois, puis recommencez.</translation>
    </message>
    <message>
        <source>%1 already encrypts names, addresses and notes. To encrypt its health data too, give the recovery key printed when the database was made (or at its latest replacement): the health key is held by the nurses, never by an administrator. Nothing was changed.</source>
        <translation>%1 chiffre déjà les noms, adresses et notes. Pour chiffrer aussi ses données de santé, indiquez la clé de secours imprimée à la création de la base (ou à son dernier remplacement) : la clé santé est détenue par les infirmières, jamais par un administrateur. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>This recovery key does not open %1: the database was not sealed, nothing was changed. Check the key printed when the database was made (or at its latest replacement).</source>
        <translation>Cette clé de secours n’ouvre pas %1 : la base n’a pas été chiffrée, rien n’a été modifié. Vérifiez la clé imprimée à la création de la base (ou à son dernier remplacement).</translation>
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
    <name>ShownOnce</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copier</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Imprimer…</translation>
    </message>
    <message>
        <source>C&amp;ontinue</source>
        <translation>C&amp;ontinuer</translation>
    </message>
</context>
<context>
    <name>SupportSession</name>
    <message>
        <source>person_code: the support session is held with a person or a household</source>
        <translation>person_code: l’accompagnement individuel se fait avec une personne ou un foyer</translation>
    </message>
    <message>
        <source>date: the date of the session is required</source>
        <translation>date: la date de l’accompagnement est obligatoire</translation>
    </message>
    <message>
        <source>topic: the topic of the session is required</source>
        <translation>topic: le sujet de l’accompagnement est obligatoire</translation>
    </message>
    <message>
        <source>topic: at most %1 characters</source>
        <translation>topic: %1 caractères au maximum</translation>
    </message>
    <message>
        <source>notes: at most %1 characters</source>
        <translation>notes: %1 caractères au maximum</translation>
    </message>
</context>
<context>
    <name>SyncEngine</name>
    <message>
        <source>The sync was cancelled; what was stored before stays, and the next sync resumes from there.</source>
        <translation>La synchronisation a été annulée ; ce qui avait déjà été enregistré est conservé, et la prochaine synchronisation reprendra à partir de là.</translation>
    </message>
    <message>
        <source>The ledger feed says more cards follow but its cursor does not move.</source>
        <translation>Le flux des mouvements de carte annonce d’autres cartes, mais son curseur n’avance pas.</translation>
    </message>
    <message>
        <source>The ledger feed says more entries follow but its cursor does not move.</source>
        <translation>Le flux des mouvements de carte annonce d’autres mouvements, mais son curseur n’avance pas.</translation>
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
    <message>
        <source>Database error: %1</source>
        <translation>Erreur de base de données : %1</translation>
    </message>
</context>
<context>
    <name>UserService</name>
    <message>
        <source>There is no user %1.</source>
        <translation>Aucun compte n’a l’identifiant %1.</translation>
    </message>
    <message>
        <source>%1 is the last active administrator: enable or add another administrator first.</source>
        <translation>%1 est le dernier compte administrateur·rice actif : réactivez ou ajoutez d’abord un autre compte administrateur·rice.</translation>
    </message>
    <message>
        <source>To change your own password on this shared database, give your current password too.</source>
        <translation>Pour modifier votre propre mot de passe sur cette base de données partagée, indiquez aussi votre mot de passe actuel.</translation>
    </message>
    <message>
        <source>The current password is wrong, or the account is locked or disabled.</source>
        <translation>Le mot de passe actuel est incorrect, ou le compte est verrouillé ou désactivé.</translation>
    </message>
    <message>
        <source>This session has not opened the database&apos;s key ring: log out and log in again.</source>
        <translation>Cette session n’a pas ouvert le trousseau de clés de la base de données : déconnectez-vous puis reconnectez-vous.</translation>
    </message>
    <message>
        <source>Only an administrator&apos;s session can give an account its key slot.</source>
        <translation>Seule la session d’un·e administrateur·rice peut donner à un compte son emplacement de clé.</translation>
    </message>
    <message>
        <source>An administrator set your password again meanwhile: log in again with that password, then change it.</source>
        <translation>Un·e administrateur·rice a redéfini votre mot de passe entre-temps : reconnectez-vous avec ce mot de passe, puis changez-le.</translation>
    </message>
    <message>
        <source>The current password is wrong; the password was not changed.</source>
        <translation>Le mot de passe actuel est faux ; le mot de passe n’a pas été changé.</translation>
    </message>
    <message>
        <source>Only nurses and administrators see who can open health data.</source>
        <translation>Seuls les infirmiers et les administrateurs voient qui peut ouvrir les données de santé.</translation>
    </message>
</context>
<context>
    <name>Workshop</name>
    <message>
        <source>Farm visit</source>
        <translation>Visite de ferme</translation>
    </message>
    <message>
        <source>Cooking</source>
        <translation>Cuisine</translation>
    </message>
    <message>
        <source>Market visit</source>
        <translation>Visite de marché</translation>
    </message>
    <message>
        <source>Cheese making</source>
        <translation>Fabrication de fromage</translation>
    </message>
    <message>
        <source>Bread making</source>
        <translation>Fabrication de pain</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Inscrit</translation>
    </message>
    <message>
        <source>Waiting list</source>
        <translation>Liste d’attente</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>title: the workshop needs a title</source>
        <translation>title: l’atelier doit avoir un titre</translation>
    </message>
    <message>
        <source>title: at most 200 characters</source>
        <translation>title: 200 caractères au maximum</translation>
    </message>
    <message>
        <source>date: the date of the workshop is required</source>
        <translation>date: la date de l’atelier est obligatoire</translation>
    </message>
    <message>
        <source>end_time: the workshop must end after it starts</source>
        <translation>end_time: l’atelier doit se terminer après son début</translation>
    </message>
    <message>
        <source>start_time: an end time needs a start time</source>
        <translation>start_time: une heure de fin nécessite une heure de début</translation>
    </message>
    <message>
        <source>capacity: must be a positive number of places, or 0 for no limit</source>
        <translation>capacity: doit être un nombre de places positif, ou 0 pour ne pas fixer de limite</translation>
    </message>
</context>
<context>
    <name>WorkshopRepository</name>
    <message>
        <source>There is already a workshop &quot;%1&quot; of this type on this date.</source>
        <translation>Il existe déjà un atelier « %1 » de ce type à cette date.</translation>
    </message>
    <message>
        <source>The workshop &quot;%1&quot; was changed by someone else since you opened it; reload it to see their changes.</source>
        <translation>L’atelier « %1 » a été modifié par quelqu’un d’autre depuis que vous l’avez ouvert ; rechargez-le pour voir ces modifications.</translation>
    </message>
    <message>
        <source>There is no workshop %1.</source>
        <translation>L’atelier %1 n’existe pas.</translation>
    </message>
</context>
<context>
    <name>WorkshopService</name>
    <message>
        <source>There is no person %1.</source>
        <translation>Aucune personne n’a le code %1.</translation>
    </message>
    <message>
        <source>The end of the period (%1) is before its start (%2).</source>
        <translation>La fin de la période (%1) est antérieure à son début (%2).</translation>
    </message>
    <message>
        <source>%1-%2 is not a month.</source>
        <translation>%1-%2 n’est pas un mois.</translation>
    </message>
    <message>
        <source>There is no workshop %1.</source>
        <translation>L’atelier %1 n’existe pas.</translation>
    </message>
    <message>
        <source>The workshop &quot;%1&quot; was cancelled on %2: it cannot be changed.</source>
        <translation>L’atelier « %1 » a été annulé le %2 : il ne peut plus être modifié.</translation>
    </message>
    <message>
        <source>%1 is not registered for this workshop.</source>
        <translation>%1 n’est pas inscrit·e à cet atelier.</translation>
    </message>
    <message>
        <source>%1&apos;s attendance is already recorded: the registration cannot be cancelled any more.</source>
        <translation>La présence de %1 est déjà enregistrée : l’inscription ne peut plus être annulée.</translation>
    </message>
    <message>
        <source>The workshop &quot;%1&quot; is on %2: attendance is recorded on the day or after.</source>
        <translation>L’atelier « %1 » a lieu le %2 : les présences s’enregistrent le jour même ou après.</translation>
    </message>
    <message>
        <source>%1: ticked twice</source>
        <translation>%1 : coché·e deux fois</translation>
    </message>
    <message>
        <source>%1 has no place at this workshop (not registered, waiting or cancelled).</source>
        <translation>%1 n’a pas de place à cet atelier (non inscrit·e, en attente ou inscription annulée).</translation>
    </message>
    <message>
        <source>Nothing was recorded:</source>
        <translation>Rien n’a été enregistré :</translation>
    </message>
    <message>
        <source>%1 is already registered for this workshop.</source>
        <translation>%1 est déjà inscrit·e à cet atelier.</translation>
    </message>
    <message>
        <source>%1 is already on the waiting list of this workshop.</source>
        <translation>%1 est déjà sur la liste d’attente de cet atelier.</translation>
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
    <message>
        <source>Programme</source>
        <translation>Programme</translation>
    </message>
    <message>
        <source>The rules of the programme: they decide each household&apos;s monthly allowance, the bonus, when nurses see each person, and what public figures may show. A change applies from now on and is recorded in the audit trail.</source>
        <translation>Les règles du programme : elles déterminent l’allocation mensuelle de chaque foyer, le bonus, le moment où les infirmiers voient chaque personne et ce que les chiffres publics peuvent montrer. Une modification s’applique à partir de maintenant et est inscrite au journal d’audit.</translation>
    </message>
    <message>
        <source>Programme &amp;name</source>
        <translation>&amp;Nom du programme</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Recharger</translation>
    </message>
    <message>
        <source>&amp;Save the rules</source>
        <translation>&amp;Enregistrer les règles</translation>
    </message>
    <message>
        <source>Correct the rules shown in red; nothing was saved.</source>
        <translation>Corrigez les règles indiquées en rouge ; rien n’a été enregistré.</translation>
    </message>
    <message>
        <source>Someone else changed the rules since you opened them; nothing was saved. Reload to see their version, then make your change again.</source>
        <translation>Quelqu’un d’autre a modifié les règles depuis que vous les avez ouvertes ; rien n’a été enregistré. Rechargez pour voir sa version, puis refaites votre modification.</translation>
    </message>
    <message>
        <source>The rules were saved.</source>
        <translation>Les règles ont été enregistrées.</translation>
    </message>
    <message>
        <source>Since date</source>
        <translation>Date de début</translation>
    </message>
    <message>
        <source>Filter by user</source>
        <translation>Filtrer par utilisateur</translation>
    </message>
    <message>
        <source>Merchants</source>
        <translation>Commerçants</translation>
    </message>
    <message>
        <source>The user accounts of this database. A disabled account keeps its history and can be enabled again; every change is recorded in the audit trail.</source>
        <translation>Les comptes des utilisateurs de cette base. Un compte désactivé garde son historique et peut être réactivé ; chaque changement est inscrit au journal d’audit.</translation>
    </message>
    <message>
        <source>&amp;Add a user…</source>
        <translation>&amp;Ajouter un utilisateur…</translation>
    </message>
    <message>
        <source>Set a &amp;new password…</source>
        <translation>&amp;Nouveau mot de passe…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>&amp;Désactiver</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>&amp;Réactiver</translation>
    </message>
    <message>
        <source>%1 was added.</source>
        <translation>%1 a été ajouté(e).</translation>
    </message>
    <message>
        <source>%1 has a new password.</source>
        <translation>%1 a un nouveau mot de passe.</translation>
    </message>
    <message>
        <source>%1 is disabled: the account can no longer log in.</source>
        <translation>%1 est désactivé(e) : ce compte ne peut plus se connecter.</translation>
    </message>
    <message>
        <source>%1 is enabled again.</source>
        <translation>%1 est réactivé(e).</translation>
    </message>
    <message>
        <source>Replace the recovery &amp;key…</source>
        <translation>Remplacer la clé de &amp;secours…</translation>
    </message>
    <message>
        <source>When the recovery key is lost, or someone who should not have seen it has: a new key, and the old one no longer opens this database.</source>
        <translation>Si la clé de secours est perdue, ou si une personne qui ne devait pas la voir l’a vue : une nouvelle clé, et l’ancienne n’ouvre plus cette base.</translation>
    </message>
    <message>
        <source>A new recovery key will be made and shown once. The current recovery key will stop working at once: it will no longer open this database (backups taken before keep the old key).</source>
        <translation>Une nouvelle clé de secours va être créée et affichée une seule fois. La clé de secours actuelle cessera aussitôt de fonctionner : elle n’ouvrira plus cette base (les sauvegardes faites avant gardent l’ancienne clé).</translation>
    </message>
    <message>
        <source>The new key will open health data only after a nurse&apos;s next login.</source>
        <translation>La nouvelle clé n’ouvrira les données de santé qu’après la prochaine connexion d’une infirmière ou d’un infirmier.</translation>
    </message>
    <message>
        <source>Replace the recovery key</source>
        <translation>Remplacer la clé de secours</translation>
    </message>
    <message>
        <source>&amp;Replace the key</source>
        <translation>&amp;Remplacer la clé</translation>
    </message>
    <message>
        <source>The recovery key was not replaced:
%1</source>
        <translation>La clé de secours n’a pas été remplacée :
%1</translation>
    </message>
    <message>
        <source>This is the new recovery key of the database; the old one no longer opens it. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</source>
        <translation>Voici la nouvelle clé de secours de la base de données ; l’ancienne ne l’ouvre plus. Elle n’est affichée qu’une seule fois et Cabas n’en garde aucune copie. Si les mots de passe de tous les administrateurs sont perdus, c’est le seul moyen d’ouvrir les clés de la base. Notez-la ou imprimez-la, et conservez-la en lieu sûr, loin de cet ordinateur.</translation>
    </message>
    <message>
        <source>It will open health data after a nurse&apos;s next login.</source>
        <translation>Elle ouvrira les données de santé après la prochaine connexion d’une infirmière ou d’un infirmier.</translation>
    </message>
    <message>
        <source>The recovery key was replaced: the old key no longer opens this database.</source>
        <translation>La clé de secours a été remplacée : l’ancienne clé n’ouvre plus cette base.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AdministratorRecoveryDialog</name>
    <message>
        <source>Recover the administration</source>
        <translation>Retrouver l’accès administrateur</translation>
    </message>
    <message>
        <source>When every administrator&apos;s password is lost, the recovery key written down when the database was created gives an administrator a new password: a new administrator, or an existing administrator&apos;s login (the account is also unlocked and enabled). It is recorded in the audit trail.</source>
        <translation>Quand les mots de passe de tous les administrateur·rices sont perdus, la clé de secours notée à la création de la base donne un nouveau mot de passe à un·e administrateur·rice : un·e nouvel·le administrateur·rice, ou l’identifiant d’un·e administrateur·rice existant·e (son compte est aussi débloqué et réactivé). L’opération est inscrite au journal d’audit.</translation>
    </message>
    <message>
        <source>&amp;Recovery key:</source>
        <translation>&amp;Clé de secours :</translation>
    </message>
    <message>
        <source>Administrator&apos;s &amp;login:</source>
        <translation>&amp;Identifiant administrateur·rice :</translation>
    </message>
    <message>
        <source>for a new administrator</source>
        <translation>pour un·e nouvel·le administrateur·rice</translation>
    </message>
    <message>
        <source>&amp;Name shown:</source>
        <translation>&amp;Nom affiché :</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>Nouveau &amp;mot de passe :</translation>
    </message>
    <message>
        <source>&amp;Same password again:</source>
        <translation>&amp;Vérification du mot de passe :</translation>
    </message>
    <message>
        <source>&amp;Recover</source>
        <translation>&amp;Rétablir l’accès</translation>
    </message>
</context>
<context>
    <name>cabas::ui::AttendanceImportDialog</name>
    <message>
        <source>Import attendance</source>
        <translation>Importer les présences</translation>
    </message>
    <message>
        <source>A file attendance.csv: workshop_date;workshop_type;title;person_code;attended. Workshops not yet in Cabas are created.</source>
        <translation>Un fichier attendance.csv : workshop_date;workshop_type;title;person_code;attended. Les ateliers qui ne sont pas encore dans Cabas sont créés.</translation>
    </message>
    <message>
        <source>Attendance file</source>
        <translation>Fichier des présences</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt)</source>
        <translation>Fichiers CSV (*.csv *.txt)</translation>
    </message>
    <message>
        <source>Ready to import: %1</source>
        <translation>Prêt à importer : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s): nothing can be imported until the file is corrected.</source>
        <translation>
            <numerusform>%n problème : rien ne peut être importé tant que le fichier n’est pas corrigé.</numerusform>
            <numerusform>%n problèmes : rien ne peut être importé tant que le fichier n’est pas corrigé.</numerusform>
        </translation>
    </message>
    <message>
        <source>Imported. %1</source>
        <translation>Import effectué. %1</translation>
    </message>
    <message>
        <source>&amp;Choose…</source>
        <translation>&amp;Choisir…</translation>
    </message>
    <message>
        <source>Problems found</source>
        <translation>Problèmes détectés</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
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
    <message>
        <source>Recovery key</source>
        <translation>Clé de secours</translation>
    </message>
    <message>
        <source>Keys created</source>
        <translation>Clés créées</translation>
    </message>
    <message>
        <source>Health key granted</source>
        <translation>Clé santé accordée</translation>
    </message>
</context>
<context>
    <name>cabas::ui::BackupController</name>
    <message>
        <source>&amp;Back up the database…</source>
        <translation>&amp;Sauvegarder la base de données…</translation>
    </message>
    <message>
        <source>Write a complete, consistent copy of the database to a file (administrators).</source>
        <translation>Écrire une copie complète et cohérente de la base de données dans un fichier (administrateurs).</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>Sauvegarder maintenant</translation>
    </message>
    <message>
        <source>Last backup: %1. Back up at least once a week.</source>
        <translation>Dernière sauvegarde : %1. Sauvegardez au moins une fois par semaine.</translation>
    </message>
    <message>
        <source>This database has never been backed up.</source>
        <translation>Cette base de données n’a jamais été sauvegardée.</translation>
    </message>
    <message>
        <source>Back up the database</source>
        <translation>Sauvegarder la base de données</translation>
    </message>
    <message>
        <source>Cabas backups (*.cabas-backup);;All files (*)</source>
        <translation>Sauvegardes Cabas (*.cabas-backup);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Backing up the database…</source>
        <translation>Sauvegarde de la base de données…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Sauvegarde</translation>
    </message>
    <message>
        <source>Backup written to %1 (%2).</source>
        <translation>Sauvegarde écrite dans %1 (%2).</translation>
    </message>
    <message>
        <source>Back up the database now</source>
        <translation>Sauvegarder la base de données maintenant</translation>
    </message>
    <message>
        <source>Backup overdue</source>
        <translation>Sauvegarde en retard</translation>
    </message>
    <message>
        <source>No backup yet</source>
        <translation>Jamais sauvegardée</translation>
    </message>
</context>
<context>
    <name>cabas::ui::CaseFileView</name>
    <message>
        <source>Household</source>
        <translation>Foyer</translation>
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
        <source>Arrived on</source>
        <translation>Date d’arrivée</translation>
    </message>
    <message>
        <source>Left on</source>
        <translation>Date de départ</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cartes</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>Finalité</translation>
    </message>
    <message>
        <source>Given</source>
        <translation>État</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Depuis le</translation>
    </message>
    <message>
        <source>Consents</source>
        <translation>Consentements</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Suivi</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>Enregistré par</translation>
    </message>
    <message>
        <source>Reason (required for an exit)</source>
        <translation>Motif (obligatoire pour une sortie)</translation>
    </message>
    <message>
        <source>Change the status</source>
        <translation>Changer le statut</translation>
    </message>
    <message>
        <source>Status changed.</source>
        <translation>Statut modifié.</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Carte</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>Émise le</translation>
    </message>
    <message>
        <source>Replaces</source>
        <translation>Remplace</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Replace the current card, which is</source>
        <translation>Remplacer la carte actuelle, qui est</translation>
    </message>
    <message>
        <source>New card id</source>
        <translation>Identifiant de la nouvelle carte</translation>
    </message>
    <message>
        <source>Re-issue</source>
        <translation>Réémettre</translation>
    </message>
    <message>
        <source>This household has no card to replace.</source>
        <translation>Ce foyer n’a aucune carte à remplacer.</translation>
    </message>
    <message>
        <source>Card %1 replaced.</source>
        <translation>Carte %1 remplacée.</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>Écrite le</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Add the note</source>
        <translation>Ajouter la note</translation>
    </message>
    <message>
        <source>Spending</source>
        <translation>Dépenses</translation>
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
        <source>Card spending is shown to social workers, nurses and administrators; coordinators see it in the cohort figures.</source>
        <translation>Les dépenses de la carte sont visibles par les travailleur·ses sociaux·ales, les infirmier·ères et les administrateur·rices ; les coordinateur·rices les voient dans les chiffres de la cohorte.</translation>
    </message>
    <message>
        <source>Workshops are shown to the programme&apos;s staff.</source>
        <translation>Les ateliers sont visibles par le personnel du programme.</translation>
    </message>
    <message>
        <source>There is no household %1.</source>
        <translation>Aucun foyer n’a le code %1.</translation>
    </message>
    <message>
        <source>Case file %1</source>
        <translation>Dossier %1</translation>
    </message>
    <message>
        <source>Household %1 — %2</source>
        <translation>Foyer %1 — %2</translation>
    </message>
    <message>
        <source>Allowance for %1: %2 (%3 adult(s), %4 child(ren))</source>
        <translation>Allocation de %1 : %2 (%3 adulte(s), %4 enfant(s))</translation>
    </message>
    <message>
        <source>given</source>
        <translation>donné</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>retiré</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Enregistré.</translation>
    </message>
    <message>
        <source>Someone else saved this household</source>
        <translation>Quelqu’un d’autre a enregistré ce foyer</translation>
    </message>
    <message>
        <source>Household %1 was saved by someone else since you opened it. For each field both of you changed, tick the value to keep; the fields only one of you changed keep that change.</source>
        <translation>Le foyer %1 a été enregistré par quelqu’un d’autre depuis que vous l’avez ouvert. Pour chaque champ que vous avez modifié tous les deux, cochez la valeur à conserver ; les champs modifiés d’un seul côté conservent cette modification.</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Their value (saved)</source>
        <translation>Valeur de l’autre personne (enregistrée)</translation>
    </message>
    <message>
        <source>Your value</source>
        <translation>Votre valeur</translation>
    </message>
    <message>
        <source>Keep yours</source>
        <translation>Garder la vôtre</translation>
    </message>
    <message>
        <source>(only one side changed it)</source>
        <translation>(modifié d’un seul côté)</translation>
    </message>
    <message>
        <source>Save with these choices</source>
        <translation>Enregistrer avec ces choix</translation>
    </message>
    <message>
        <source>Not saved: your changes are still here; save again to choose.</source>
        <translation>Non enregistré : vos modifications sont toujours là ; enregistrez à nouveau pour choisir.</translation>
    </message>
    <message>
        <source>Someone else saved this household meanwhile: choose what to keep.</source>
        <translation>Quelqu’un d’autre a enregistré ce foyer entre-temps : choisissez ce que vous conservez.</translation>
    </message>
    <message>
        <source>Undo: %1</source>
        <translation>Annuler : %1</translation>
    </message>
    <message>
        <source>Redo: %1</source>
        <translation>Rétablir : %1</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Référent</translation>
    </message>
    <message>
        <source>The social worker who follows the household</source>
        <translation>Travailleur·se social·e qui suit le foyer</translation>
    </message>
    <message>
        <source>A member arrives…</source>
        <translation>Arrivée d’un membre…</translation>
    </message>
    <message>
        <source>A member arrives</source>
        <translation>Arrivée d’un membre</translation>
    </message>
    <message>
        <source>Record a departure…</source>
        <translation>Enregistrer un départ…</translation>
    </message>
    <message>
        <source>Record the selected member&apos;s departure</source>
        <translation>Enregistrer le départ du membre sélectionné</translation>
    </message>
    <message>
        <source>Correct the dates…</source>
        <translation>Corriger les dates…</translation>
    </message>
    <message>
        <source>Correct the selected member&apos;s dates</source>
        <translation>Corriger les dates du membre sélectionné</translation>
    </message>
    <message>
        <source>New status from</source>
        <translation>Nouveau statut à compter du</translation>
    </message>
    <message>
        <source>New status</source>
        <translation>Nouveau statut</translation>
    </message>
    <message>
        <source>Status history</source>
        <translation>Historique des statuts</translation>
    </message>
    <message>
        <source>Reason of the status change</source>
        <translation>Motif du changement de statut</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>Nouvelle note</translation>
    </message>
    <message>
        <source>Notes journal</source>
        <translation>Journal des notes</translation>
    </message>
    <message>
        <source>No referent yet</source>
        <translation>Pas encore de référent</translation>
    </message>
    <message>
        <source>User %1</source>
        <translation>Utilisateur %1</translation>
    </message>
    <message>
        <source>with the unsaved changes</source>
        <translation>avec les modifications non enregistrées</translation>
    </message>
    <message>
        <source>(new)</source>
        <translation>(nouveau)</translation>
    </message>
    <message>
        <source>Not saved yet</source>
        <translation>Pas encore enregistré</translation>
    </message>
    <message>
        <source>Left the household on %1</source>
        <translation>A quitté le foyer le %1</translation>
    </message>
    <message>
        <source>There is no member %1 in this household.</source>
        <translation>Ce foyer ne compte aucun membre %1.</translation>
    </message>
    <message>
        <source>Select a member in the list first.</source>
        <translation>Sélectionnez d’abord un membre dans la liste.</translation>
    </message>
    <message>
        <source>%1 has already left the household: correct the dates instead.</source>
        <translation>%1 a déjà quitté le foyer : corrigez plutôt les dates.</translation>
    </message>
    <message>
        <source>%1 is not saved yet: undo the arrival instead.</source>
        <translation>%1 n’est pas encore enregistré·e : annulez plutôt l’arrivée.</translation>
    </message>
    <message>
        <source>Arrival of %1</source>
        <translation>Arrivée de %1</translation>
    </message>
    <message>
        <source>Departure of %1</source>
        <translation>Départ de %1</translation>
    </message>
    <message>
        <source>Dates of %1</source>
        <translation>Dates de %1</translation>
    </message>
    <message>
        <source>Reason for leaving</source>
        <translation>Motif de départ</translation>
    </message>
    <message>
        <source>Left the household on %1: %2</source>
        <translation>A quitté le foyer le %1 : %2</translation>
    </message>
    <message>
        <source>Allowance for %1: no income assessment in force, so no amount (see the Income tab)</source>
        <translation>Allocation de %1 : aucune évaluation des ressources en vigueur, donc pas de montant (voir l’onglet Ressources)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::CheckupForm</name>
    <message>
        <source>New checkup</source>
        <translation>Nouveau bilan de santé</translation>
    </message>
    <message>
        <source>Derived from the weight and the height: weight (kg) / height (m)²</source>
        <translation>Calculé à partir du poids et de la taille : poids (kg) / taille (m)²</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>facultatif</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date :</translation>
    </message>
    <message>
        <source>&amp;Wave:</source>
        <translation>&amp;Vague :</translation>
    </message>
    <message>
        <source>&amp;Weight:</source>
        <translation>&amp;Poids :</translation>
    </message>
    <message>
        <source>kg</source>
        <translation>kg</translation>
    </message>
    <message>
        <source>&amp;Height:</source>
        <translation>&amp;Taille :</translation>
    </message>
    <message>
        <source>cm</source>
        <translation>cm</translation>
    </message>
    <message>
        <source>BMI:</source>
        <translation>IMC :</translation>
    </message>
    <message>
        <source>W&amp;aist:</source>
        <translation>T&amp;our de taille :</translation>
    </message>
    <message>
        <source>&amp;Systolic pressure:</source>
        <translation>Pression &amp;systolique :</translation>
    </message>
    <message>
        <source>mmHg</source>
        <translation>mmHg</translation>
    </message>
    <message>
        <source>D&amp;iastolic pressure:</source>
        <translation>Pression d&amp;iastolique :</translation>
    </message>
    <message>
        <source>&amp;Glucose (capillary):</source>
        <translation>&amp;Glycémie (capillaire) :</translation>
    </message>
    <message>
        <source>g/L</source>
        <translation>g/L</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes :</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>n’est pas un nombre</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>doit être un nombre entier</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>trop grand</translation>
    </message>
    <message>
        <source>%1 kg/m²</source>
        <translation>%1 kg/m²</translation>
    </message>
    <message>
        <source>— (from the weight and the height)</source>
        <translation>— (calculé à partir du poids et de la taille)</translation>
    </message>
    <message>
        <source>Correct a checkup</source>
        <translation>Corriger un bilan de santé</translation>
    </message>
    <message>
        <source>e.g. weight typed wrong</source>
        <translation>par ex. poids mal saisi</translation>
    </message>
    <message>
        <source>&amp;Reason for the correction:</source>
        <translation>&amp;Motif de la correction :</translation>
    </message>
    <message>
        <source>nothing is changed yet</source>
        <translation>rien n’est encore modifié</translation>
    </message>
    <message>
        <source>a correction needs its reason</source>
        <translation>une correction doit avoir un motif</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ContributionsPanel</name>
    <message>
        <source>Contributions month by month</source>
        <translation>Cotisations mois par mois</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Mois</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Attendu</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Payé</translation>
    </message>
    <message>
        <source>Owed to date</source>
        <translation>Dû à ce jour</translation>
    </message>
    <message>
        <source>Amounts chosen</source>
        <translation>Montants choisis</translation>
    </message>
    <message>
        <source>From</source>
        <translation>À partir de</translation>
    </message>
    <message>
        <source>A month</source>
        <translation>Par mois</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>Saisi par</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Paiements</translation>
    </message>
    <message>
        <source>Paid on</source>
        <translation>Payé le</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>e.g. 12,50</source>
        <translation>par ex. 12,50</translation>
    </message>
    <message>
        <source>From month</source>
        <translation>À partir du mois</translation>
    </message>
    <message>
        <source>&amp;Set amount</source>
        <translation>&amp;Définir le montant</translation>
    </message>
    <message>
        <source>from</source>
        <translation>à partir du</translation>
    </message>
    <message>
        <source>New amount a month:</source>
        <translation>Nouveau montant par mois :</translation>
    </message>
    <message>
        <source>Record &amp;payment</source>
        <translation>Enregistrer un &amp;paiement</translation>
    </message>
    <message>
        <source>on</source>
        <translation>le</translation>
    </message>
    <message>
        <source>Payment received:</source>
        <translation>Paiement reçu :</translation>
    </message>
    <message>
        <source>Contributions</source>
        <translation>Cotisations</translation>
    </message>
    <message>
        <source>Each household chooses its contribution: %1 to %2 a month.</source>
        <translation>Chaque foyer choisit sa cotisation : de %1 à %2 par mois.</translation>
    </message>
    <message>
        <source>Now %1 a month.</source>
        <translation>Actuellement %1 par mois.</translation>
    </message>
    <message>
        <source>No amount chosen yet.</source>
        <translation>Aucun montant choisi pour l’instant.</translation>
    </message>
    <message>
        <source>Owed: %1.</source>
        <translation>Impayés : %1.</translation>
    </message>
    <message>
        <source>Paid in advance: %1.</source>
        <translation>Payé d’avance : %1.</translation>
    </message>
    <message>
        <source>Nothing owed.</source>
        <translation>Aucun impayé.</translation>
    </message>
    <message>
        <source>Amount: type an amount such as 12,50.</source>
        <translation>Montant : saisissez un montant, comme 12,50.</translation>
    </message>
    <message>
        <source>Amount recorded.</source>
        <translation>Montant enregistré.</translation>
    </message>
    <message>
        <source>Payment: type an amount such as 12,50.</source>
        <translation>Paiement : saisissez un montant, comme 12,50.</translation>
    </message>
    <message>
        <source>Payment recorded.</source>
        <translation>Paiement enregistré.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::DashboardPage</name>
    <message>
        <source>Internal figures</source>
        <translation>Chiffres internes</translation>
    </message>
    <message>
        <source>Public figures (small groups hidden)</source>
        <translation>Chiffres publics (petits groupes masqués)</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Calculer</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <source>Excel</source>
        <translation>Excel</translation>
    </message>
    <message>
        <source>PDF report</source>
        <translation>Rapport PDF</translation>
    </message>
    <message>
        <source>Evaluators&apos; dataset</source>
        <translation>Jeu de données des évaluateurs</translation>
    </message>
    <message>
        <source>Click a figure to list the households behind it.</source>
        <translation>Cliquez sur un chiffre pour lister les foyers correspondants.</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Foyer</translation>
    </message>
    <message>
        <source>All communes</source>
        <translation>Toutes les communes</translation>
    </message>
    <message numerus="yes">
        <source>— : hidden because fewer than %1 households or persons are behind it, or without denominator (%n figure(s) hidden).</source>
        <translation>
            <numerusform>— : masqué car il porte sur moins de %1 foyers ou personnes, ou sans dénominateur (%n chiffre masqué).</numerusform>
            <numerusform>— : masqué car il porte sur moins de %1 foyers ou personnes, ou sans dénominateur (%n chiffres masqués).</numerusform>
        </translation>
    </message>
    <message>
        <source>Public figures: the households behind them are not shown.</source>
        <translation>Chiffres publics : les foyers correspondants ne sont pas affichés.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n household(s)</source>
        <translation>
            <numerusform>%1 : %n foyer</numerusform>
            <numerusform>%1 : %n foyers</numerusform>
        </translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Écriture de %1…</translation>
    </message>
    <message>
        <source>Export the cohort figures</source>
        <translation>Exporter les chiffres de la cohorte</translation>
    </message>
    <message>
        <source>%1 files (*.%2)</source>
        <translation>Fichiers %1 (*.%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;Du</translation>
    </message>
    <message>
        <source>t&amp;o</source>
        <translation>&amp;au</translation>
    </message>
    <message>
        <source>Co&amp;mmune</source>
        <translation>Co&amp;mmune</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>Chiffres</translation>
    </message>
    <message>
        <source>Monthly spending chart</source>
        <translation>Graphique des dépenses mensuelles</translation>
    </message>
    <message>
        <source>Allowance and bonus chart</source>
        <translation>Graphique des allocations et bonus</translation>
    </message>
    <message>
        <source>Workshops chart</source>
        <translation>Graphique des ateliers</translation>
    </message>
    <message>
        <source>Follow-up completion chart</source>
        <translation>Graphique du taux de réalisation du suivi</translation>
    </message>
    <message>
        <source>Households behind the figure</source>
        <translation>Foyers correspondant au chiffre</translation>
    </message>
</context>
<context>
    <name>cabas::ui::EnrolmentWizard</name>
    <message>
        <source>Enrol a household</source>
        <translation>Inscrire un foyer</translation>
    </message>
    <message>
        <source>The household</source>
        <translation>Le foyer</translation>
    </message>
    <message>
        <source>Its code, address and enrolment date.</source>
        <translation>Son code, son adresse et sa date d’inscription.</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>The members</source>
        <translation>Les membres</translation>
    </message>
    <message>
        <source>Each adult and child of the household, with their birth date.</source>
        <translation>Chaque adulte et chaque enfant du foyer, avec sa date de naissance.</translation>
    </message>
    <message>
        <source>Not said</source>
        <translation>Non précisé</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Femme</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Homme</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Born on</source>
        <translation>Né(e) le</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Card and consents</source>
        <translation>Carte et consentements</translation>
    </message>
    <message>
        <source>The card&apos;s id as the card operator knows it (never the card number), and the consents the adults gave today.</source>
        <translation>L’identifiant de la carte tel que le connaît l’opérateur de la carte (jamais le numéro de carte), et les consentements donnés aujourd’hui par les adultes.</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Référent</translation>
    </message>
    <message>
        <source>The social worker who follows the household.</source>
        <translation>Le travailleur social qui suit le foyer.</translation>
    </message>
    <message>
        <source>No referent yet</source>
        <translation>Pas encore de référent</translation>
    </message>
    <message numerus="yes">
        <source>%1, %2: %n member(s), card %3.</source>
        <translation>
            <numerusform>%1, %2 : %n membre, carte %3.</numerusform>
            <numerusform>%1, %2 : %n membres, carte %3.</numerusform>
        </translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>pas encore</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>membre %1</translation>
    </message>
    <message>
        <source>Possible duplicate: a person with this name and birth date is already a member of another household: %1. Check before enrolling them again.</source>
        <translation>Doublon possible : une personne portant ce nom et cette date de naissance est déjà membre d’un autre foyer : %1. Vérifiez avant de l’inscrire à nouveau.</translation>
    </message>
    <message>
        <source>&amp;Code</source>
        <translation>&amp;Code</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>&amp;Adresse</translation>
    </message>
    <message>
        <source>Co&amp;mmune</source>
        <translation>Co&amp;mmune</translation>
    </message>
    <message>
        <source>&amp;Postcode</source>
        <translation>Code p&amp;ostal</translation>
    </message>
    <message>
        <source>&amp;Enrolled on</source>
        <translation>Date d’&amp;inscription</translation>
    </message>
    <message>
        <source>F&amp;irst name</source>
        <translation>P&amp;rénom</translation>
    </message>
    <message>
        <source>&amp;Last name</source>
        <translation>N&amp;om</translation>
    </message>
    <message>
        <source>Birth da&amp;te</source>
        <translation>Date de &amp;naissance</translation>
    </message>
    <message>
        <source>A&amp;dult or child</source>
        <translation>A&amp;dulte ou enfant</translation>
    </message>
    <message>
        <source>Se&amp;x</source>
        <translation>Se&amp;xe</translation>
    </message>
    <message>
        <source>Add this &amp;member</source>
        <translation>Ajouter ce &amp;membre</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <source>&amp;Card id</source>
        <translation>&amp;Identifiant de carte</translation>
    </message>
    <message>
        <source>&amp;Referent</source>
        <translation>&amp;Référent</translation>
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
        <source>e.g. Healthy food for all, phase 2</source>
        <translation>par ex. Bien manger pour tous, phase 2</translation>
    </message>
    <message>
        <source>At least 12 characters</source>
        <translation>Au moins 12 caractères</translation>
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
    <message>
        <source>&amp;Create a new database on this computer</source>
        <translation>&amp;Créer une nouvelle base de données sur cet ordinateur</translation>
    </message>
    <message>
        <source>&amp;Open an existing database file</source>
        <translation>&amp;Ouvrir un fichier de base de données existant</translation>
    </message>
    <message>
        <source>Connect to a Post&amp;greSQL database</source>
        <translation>Se connecter à une base de données Post&amp;greSQL</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>&amp;Database file</source>
        <translation>Fichier de &amp;base de données</translation>
    </message>
    <message>
        <source>Programme &amp;name</source>
        <translation>&amp;Nom du programme</translation>
    </message>
    <message>
        <source>Administrator &amp;login</source>
        <translation>&amp;Identifiant de l’administrateur·rice</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Mot de passe</translation>
    </message>
    <message>
        <source>Con&amp;firm the password</source>
        <translation>Con&amp;firmer le mot de passe</translation>
    </message>
    <message>
        <source>Programme &amp;rules: allowance, bonus, follow-up waves…</source>
        <translation>&amp;Règles du programme : allocation, bonus, vagues de suivi…</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Serveur</translation>
    </message>
    <message>
        <source>Po&amp;rt</source>
        <translation>Po&amp;rt</translation>
    </message>
    <message>
        <source>&amp;Database</source>
        <translation>&amp;Base de données</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Utilisateur</translation>
    </message>
    <message>
        <source>&amp;Encrypt names, birth dates, addresses, notes and health data in the database (recommended)</source>
        <translation>&amp;Chiffrer les noms, dates de naissance, adresses, notes et données de santé dans la base (recommandé)</translation>
    </message>
    <message>
        <source>Encrypt names, birth dates, addresses, notes and health data in the database</source>
        <translation>Chiffrer les noms, dates de naissance, adresses, notes et données de santé dans la base</translation>
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
    <name>cabas::ui::HealthBadgesWidget</name>
    <message>
        <source>Health follow-up: %1</source>
        <translation>Suivi santé : %1</translation>
    </message>
    <message>
        <source>Health follow-up</source>
        <translation>Suivi santé</translation>
    </message>
    <message>
        <source>not in the health follow-up</source>
        <translation>hors suivi santé</translation>
    </message>
    <message>
        <source>consent withdrawn</source>
        <translation>consentement retiré</translation>
    </message>
    <message>
        <source>all waves done</source>
        <translation>toutes les vagues faites</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthCharts</name>
    <message>
        <source>The charts appear with the first checkup that has measures.</source>
        <translation>Les graphiques apparaissent avec le premier bilan de santé comportant des mesures.</translation>
    </message>
    <message>
        <source>Weight and BMI</source>
        <translation>Poids et IMC</translation>
    </message>
    <message>
        <source>Blood pressure</source>
        <translation>Tension artérielle</translation>
    </message>
    <message>
        <source>Weight (kg)</source>
        <translation>Poids (kg)</translation>
    </message>
    <message>
        <source>BMI (kg/m²)</source>
        <translation>IMC (kg/m²)</translation>
    </message>
    <message>
        <source>Systolic (mmHg)</source>
        <translation>Systolique (mmHg)</translation>
    </message>
    <message>
        <source>Diastolic (mmHg)</source>
        <translation>Diastolique (mmHg)</translation>
    </message>
    <message>
        <source>kg</source>
        <translation>kg</translation>
    </message>
    <message>
        <source>kg/m²</source>
        <translation>kg/m²</translation>
    </message>
    <message>
        <source>mmHg</source>
        <translation>mmHg</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthFormDialog</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HealthImportDialog</name>
    <message>
        <source>Import health records</source>
        <translation>Importer des données de santé</translation>
    </message>
    <message>
        <source>Checkups (checkups.csv)</source>
        <translation>Bilans de santé (checkups.csv)</translation>
    </message>
    <message>
        <source>Diet questionnaires (questionnaires.csv)</source>
        <translation>Questionnaires alimentaires (questionnaires.csv)</translation>
    </message>
    <message>
        <source>&amp;Records:</source>
        <translation>&amp;Données :</translation>
    </message>
    <message>
        <source>&amp;Choose…</source>
        <translation>&amp;Choisir…</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>&amp;Fichier :</translation>
    </message>
    <message>
        <source>Problems:</source>
        <translation>Problèmes :</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
    </message>
    <message>
        <source>Choose a CSV file</source>
        <translation>Choisir un fichier CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Fichiers CSV (*.csv);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>The file cannot be imported: nothing will be written.</source>
        <translation>Le fichier ne peut pas être importé : rien ne sera écrit.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Avertissement : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s): correct the file and choose it again; nothing will be written.</source>
        <translation>
            <numerusform>%n problème : corrigez le fichier et choisissez-le à nouveau ; rien ne sera écrit.</numerusform>
            <numerusform>%n problèmes : corrigez le fichier et choisissez-le à nouveau ; rien ne sera écrit.</numerusform>
        </translation>
    </message>
    <message>
        <source>Ready to import: %1</source>
        <translation>Prêt à importer : %1</translation>
    </message>
    <message>
        <source>Imported: %1</source>
        <translation>Importé : %1</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Rien n’a été importé.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Problems found</source>
        <translation>Problèmes détectés</translation>
    </message>
    <message>
        <source>Import progress</source>
        <translation>Progression de l’import</translation>
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
    <message>
        <source>&amp;Import a file…</source>
        <translation>&amp;Importer un fichier…</translation>
    </message>
    <message>
        <source>Import checkups.csv or questionnaires.csv</source>
        <translation>Importer checkups.csv ou questionnaires.csv</translation>
    </message>
    <message>
        <source>New &amp;checkup…</source>
        <translation>Nouveau &amp;bilan de santé…</translation>
    </message>
    <message>
        <source>New &amp;questionnaire…</source>
        <translation>Nouveau &amp;questionnaire…</translation>
    </message>
    <message>
        <source>New &amp;prevention step…</source>
        <translation>Nouvelle &amp;démarche de prévention…</translation>
    </message>
    <message>
        <source>New &amp;support session…</source>
        <translation>Nouvel &amp;accompagnement individuel…</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Partner</source>
        <translation>Partenaire</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Next step due</source>
        <translation>Prochaine démarche prévue</translation>
    </message>
    <message>
        <source>Prevention</source>
        <translation>Prévention</translation>
    </message>
    <message>
        <source>With</source>
        <translation>Avec</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Individual support</source>
        <translation>Accompagnement individuel</translation>
    </message>
    <message>
        <source>The household</source>
        <translation>Le foyer</translation>
    </message>
    <message>
        <source>The person</source>
        <translation>La personne</translation>
    </message>
    <message>
        <source>Follow-up worklist</source>
        <translation>Liste de travail du suivi</translation>
    </message>
    <message>
        <source>Prevention steps</source>
        <translation>Démarches de prévention</translation>
    </message>
    <message>
        <source>Support sessions</source>
        <translation>Accompagnements individuels</translation>
    </message>
    <message>
        <source>C&amp;orrect…</source>
        <translation>C&amp;orriger…</translation>
    </message>
    <message>
        <source>Correct the selected checkup (a reason is asked and kept)</source>
        <translation>Corriger le bilan de santé sélectionné (un motif est demandé et conservé)</translation>
    </message>
    <message>
        <source>Corrected on %1 by %2: %3</source>
        <translation>Corrigé le %1 par %2 : %3</translation>
    </message>
    <message>
        <source>Never corrected.</source>
        <translation>Jamais corrigé.</translation>
    </message>
    <message>
        <source>The accounts whose keys open health data. A nurse account is given access by the next nurse who logs in after an administrator created it or set its password: if a name surprises you, tell your administrator.</source>
        <translation>Les comptes dont les clés ouvrent les données de santé. Un compte d’infirmier reçoit l’accès à la prochaine connexion d’un autre infirmier après que l’administrateur l’a créé ou lui a donné un mot de passe : si un nom vous surprend, prévenez votre administrateur.</translation>
    </message>
    <message>
        <source>Health data can be opened by: %1.</source>
        <translation>Les données de santé peuvent être ouvertes par : %1.</translation>
    </message>
    <message>
        <source>The recovery key opens it too.</source>
        <translation>La clé de secours les ouvre aussi.</translation>
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
    <name>cabas::ui::HouseholdSpendingWidget</name>
    <message>
        <source>All kinds</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <source>Allowances</source>
        <translation>Allocations</translation>
    </message>
    <message>
        <source>Purchases</source>
        <translation>Achats</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Remboursements</translation>
    </message>
    <message>
        <source>Bonuses</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Transferts</translation>
    </message>
    <message>
        <source>Adjustments</source>
        <translation>Ajustements</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Montant</translation>
    </message>
    <message>
        <source>Merchant</source>
        <translation>Commerçant</translation>
    </message>
    <message>
        <source>Sustainable</source>
        <translation>Durable</translation>
    </message>
    <message>
        <source>Balance: %1 (and %2 pending)</source>
        <translation>Solde : %1 (et %2 en attente)</translation>
    </message>
    <message>
        <source>Balance: %1</source>
        <translation>Solde : %1</translation>
    </message>
    <message>
        <source>Spent %1, of which %2 at sustainable shops (%3); bonus earned %4; allowances %5.</source>
        <translation>Dépenses : %1, dont %2 dans des commerces durables (%3) ; bonus obtenu : %4 ; allocations : %5.</translation>
    </message>
    <message>
        <source>no spending yet</source>
        <translation>aucune dépense pour l’instant</translation>
    </message>
    <message>
        <source>Sustainable shops</source>
        <translation>Commerces durables</translation>
    </message>
    <message>
        <source>Other shops</source>
        <translation>Autres commerces</translation>
    </message>
    <message>
        <source>Spending per month</source>
        <translation>Dépenses par mois</translation>
    </message>
    <message>
        <source>All months</source>
        <translation>Tous les mois</translation>
    </message>
    <message>
        <source>All merchants</source>
        <translation>Tous les commerçants</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>Card movements</source>
        <translation>Mouvements de carte</translation>
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
    <message>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personnes</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Référent</translation>
    </message>
</context>
<context>
    <name>cabas::ui::HouseholdsPage</name>
    <message>
        <source>Households</source>
        <translation>Foyers</translation>
    </message>
    <message>
        <source>Your role sees the households by code only: names and addresses are not shown.</source>
        <translation>Votre rôle ne voit les foyers que par leur code : les noms et les adresses ne sont pas affichés.</translation>
    </message>
    <message>
        <source>Search: household code, name or commune</source>
        <translation>Rechercher : code du foyer, nom ou commune</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <source>Members (choose a household above)</source>
        <translation>Membres (choisissez un foyer ci-dessus)</translation>
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
        <source>Any commune</source>
        <translation>Toutes les communes</translation>
    </message>
    <message>
        <source>Any referent</source>
        <translation>Tous les référents</translation>
    </message>
    <message>
        <source>My households</source>
        <translation>Mes foyers</translation>
    </message>
    <message>
        <source>No referent yet</source>
        <translation>Pas encore de référent</translation>
    </message>
    <message>
        <source>Search: household code or commune</source>
        <translation>Rechercher : code du foyer ou commune</translation>
    </message>
    <message>
        <source>Cannot read the households: %1</source>
        <translation>Impossible de lire les foyers : %1</translation>
    </message>
    <message>
        <source>more than %1 households</source>
        <translation>plus de %1 foyers</translation>
    </message>
    <message>
        <source>%1 household(s)</source>
        <translation>%1 foyer(s)</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Membres du foyer %1</translation>
    </message>
    <message>
        <source>&amp;Enrol a household…</source>
        <translation>I&amp;nscrire un foyer…</translation>
    </message>
    <message>
        <source>&amp;Import persons.csv…</source>
        <translation>&amp;Importer persons.csv…</translation>
    </message>
    <message>
        <source>Search households</source>
        <translation>Rechercher des foyers</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <source>Referent</source>
        <translation>Référent</translation>
    </message>
    <message>
        <source>&amp;Open the case file</source>
        <translation>&amp;Ouvrir le dossier du foyer</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <source>Preparing the search (names are encrypted)…</source>
        <translation>Préparation de la recherche (les noms sont chiffrés)…</translation>
    </message>
    <message>
        <source>Cannot prepare the search: %1</source>
        <translation>Impossible de préparer la recherche : %1</translation>
    </message>
</context>
<context>
    <name>cabas::ui::IncomeAssessmentDialog</name>
    <message>
        <source>Income assessment — %1</source>
        <translation>Évaluation des ressources — %1</translation>
    </message>
    <message>
        <source>&amp;Applies from</source>
        <translation>&amp;S’applique à partir du</translation>
    </message>
    <message>
        <source>e.g. 1250,00</source>
        <translation>ex. 1250,00</translation>
    </message>
    <message>
        <source>The household&apos;s declared income, a month (the period&apos;s average).</source>
        <translation>Ressources déclarées du foyer, par mois (moyenne de la période).</translation>
    </message>
    <message>
        <source>Declared &amp;monthly income</source>
        <translation>Ressources &amp;mensuelles déclarées</translation>
    </message>
    <message>
        <source>Income of the period</source>
        <translation>Ressources de la période</translation>
    </message>
    <message>
        <source>Start of the income period</source>
        <translation>Début de la période des ressources</translation>
    </message>
    <message>
        <source>End of the income period</source>
        <translation>Fin de la période des ressources</translation>
    </message>
    <message>
        <source>to</source>
        <translation>au</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Période</translation>
    </message>
    <message>
        <source>Type the units</source>
        <translation>Saisir les unités</translation>
    </message>
    <message>
        <source>Unchecked: counted from the members present on the date, with the programme&apos;s weights.</source>
        <translation>Décoché : calculées à partir des membres présents à la date, selon les pondérations du programme.</translation>
    </message>
    <message>
        <source>Consumption units</source>
        <translation>Unités de consommation</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>&amp;Note</translation>
    </message>
    <message>
        <source>Type the declared monthly income.</source>
        <translation>Saisissez les ressources mensuelles déclarées.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an amount (for example 1250 or 1250,50).</source>
        <translation>« %1 » n’est pas un montant (par exemple 1250 ou 1250,50).</translation>
    </message>
    <message>
        <source>Type the declared income to see the band it gives.</source>
        <translation>Saisissez les ressources déclarées pour voir la tranche correspondante.</translation>
    </message>
    <message>
        <source>No member is present on this date: type the consumption units.</source>
        <translation>Aucun membre n’est présent à cette date : saisissez les unités de consommation.</translation>
    </message>
    <message>
        <source>%1 per consumption unit (%2 units): %3.
Monthly allowance from %4: %5.
Re-assessment due by %6.</source>
        <translation>%1 par unité de consommation (%2 unités) : %3.
Allocation mensuelle à partir du %4 : %5.
Réévaluation à faire au plus tard le %6.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::IncomePanel</name>
    <message>
        <source>no band</source>
        <translation>aucune tranche</translation>
    </message>
    <message>
        <source>band %1 (up to %2 per unit)</source>
        <translation>tranche %1 (jusqu’à %2 par unité)</translation>
    </message>
    <message>
        <source>band %1 (above %2 per unit)</source>
        <translation>tranche %1 (au-delà de %2 par unité)</translation>
    </message>
    <message>
        <source>Income assessments</source>
        <translation>Évaluations des ressources</translation>
    </message>
    <message>
        <source>Applies from</source>
        <translation>S’applique à partir du</translation>
    </message>
    <message>
        <source>Income period</source>
        <translation>Période des ressources</translation>
    </message>
    <message>
        <source>Monthly income</source>
        <translation>Ressources mensuelles</translation>
    </message>
    <message>
        <source>Consumption units</source>
        <translation>Unités de consommation</translation>
    </message>
    <message>
        <source>Per unit</source>
        <translation>Par unité</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>Tranche</translation>
    </message>
    <message>
        <source>Re-assess by</source>
        <translation>Réévaluer avant le</translation>
    </message>
    <message>
        <source>Assessed by</source>
        <translation>Évalué par</translation>
    </message>
    <message>
        <source>&amp;Add assessment…</source>
        <translation>&amp;Ajouter une évaluation…</translation>
    </message>
    <message>
        <source>Income</source>
        <translation>Ressources</translation>
    </message>
    <message numerus="yes">
        <source>Allowance: %1. An income assessment is due again %n month(s) after its date.</source>
        <translation>
            <numerusform>Allocation : %1. Une nouvelle évaluation des ressources est à faire %n mois après sa date.</numerusform>
            <numerusform>Allocation : %1. Une nouvelle évaluation des ressources est à faire %n mois après sa date.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>du %1 au %2</translation>
    </message>
    <message>
        <source>%1 per member a month</source>
        <translation>%1 par membre et par mois</translation>
    </message>
    <message>
        <source>%1 a month</source>
        <translation>%1 par mois</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>No income assessment yet: the allowance cannot be told until one is recorded.</source>
        <translation>Aucune évaluation des ressources pour l’instant : l’allocation ne peut pas être déterminée tant qu’aucune n’est enregistrée.</translation>
    </message>
    <message>
        <source>Re-assessment overdue since %1 (the last assessment still applies).</source>
        <translation>Réévaluation en retard depuis le %1 (la dernière évaluation s’applique toujours).</translation>
    </message>
    <message>
        <source>Next re-assessment due by %1.</source>
        <translation>Prochaine réévaluation à faire au plus tard le %1.</translation>
    </message>
    <message>
        <source>Assessment recorded.</source>
        <translation>Évaluation enregistrée.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::LedgerPage</name>
    <message>
        <source>Card ledger</source>
        <translation>Mouvements de carte</translation>
    </message>
    <message>
        <source>Cards no household claims yet</source>
        <translation>Cartes encore rattachées à aucun foyer</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Carte</translation>
    </message>
    <message>
        <source>Account given</source>
        <translation>Compte attribué</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Mouvements</translation>
    </message>
    <message>
        <source>Posted</source>
        <translation>Comptabilisés</translation>
    </message>
    <message>
        <source>First</source>
        <translation>Premier</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>Dernier</translation>
    </message>
    <message>
        <source>Household code, e.g. MMG-0042</source>
        <translation>Code du foyer, par ex. MMG-0042</translation>
    </message>
    <message>
        <source>The ledger was never synced from the card operator.</source>
        <translation>Les mouvements de carte n’ont jamais été synchronisés depuis l’opérateur des cartes.</translation>
    </message>
    <message>
        <source>Last sync: %1, successful.</source>
        <translation>Dernière synchronisation : %1, réussie.</translation>
    </message>
    <message>
        <source>Last sync: %1, failed: %2. Last successful sync: %3.</source>
        <translation>Dernière synchronisation : %1, échec : %2. Dernière synchronisation réussie : %3.</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>%1 entries stored, %2 not linked to a household.</source>
        <translation>%1 mouvements enregistrés, dont %2 non rattachés à un foyer.</translation>
    </message>
    <message>
        <source>Card %1 linked to household %2: its entries now count for that household.</source>
        <translation>Carte %1 rattachée au foyer %2 : ses mouvements comptent désormais pour ce foyer.</translation>
    </message>
    <message>
        <source>Movements without a household</source>
        <translation>Mouvements non rattachés à un foyer</translation>
    </message>
    <message>
        <source>Household code to link the card to</source>
        <translation>Code du foyer auquel rattacher la carte</translation>
    </message>
    <message>
        <source>&amp;Link to household</source>
        <translation>&amp;Rattacher au foyer</translation>
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
    <message>
        <source>&amp;Recovery key…</source>
        <translation>Clé de &amp;secours…</translation>
    </message>
    <message>
        <source>Every administrator&apos;s password is lost: give an administrator a new password with the recovery key written down when the database was created.</source>
        <translation>Les mots de passe de tous les administrateur·rices sont perdus : donnez un nouveau mot de passe à un·e administrateur·rice avec la clé de secours notée à la création de la base.</translation>
    </message>
    <message>
        <source>Administrator %1 has a new password: log in with it.</source>
        <translation>L’administrateur·rice %1 a un nouveau mot de passe : connectez-vous avec.</translation>
    </message>
    <message>
        <source>Your password was not changed, so you are logged out. Log in again to choose your own password.</source>
        <translation>Votre mot de passe n’a pas été changé, vous êtes donc déconnecté·e. Reconnectez-vous pour choisir le vôtre.</translation>
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
        <source>Card ledger</source>
        <translation>Compte carte</translation>
    </message>
    <message>
        <source>Cohort</source>
        <translation>Cohorte</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Administration</translation>
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
        <source>Access denied</source>
        <translation>Accès refusé</translation>
    </message>
    <message>
        <source>Nobody is logged in: log in to see this section.</source>
        <translation>Personne n’est connecté : connectez-vous pour voir cette section.</translation>
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
        <source>Ledger &amp;sync…</source>
        <translation>S&amp;ynchroniser les mouvements de carte…</translation>
    </message>
    <message>
        <source>Logged in</source>
        <translation>Connecté·e</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>Sections</translation>
    </message>
    <message>
        <source>Ctrl+1 to Ctrl+7 open the sections from anywhere.</source>
        <translation>Ctrl+1 à Ctrl+7 ouvrent les sections depuis n’importe où.</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Aller à</translation>
    </message>
    <message>
        <source>Section &amp;list</source>
        <translation>&amp;Liste des sections</translation>
    </message>
    <message>
        <source>&amp;Search in this section</source>
        <translation>&amp;Rechercher dans cette section</translation>
    </message>
    <message>
        <source>Credit &amp;reconciliation…</source>
        <translation>&amp;Rapprochement des crédits…</translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation>Changer mon &amp;mot de passe…</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>Votre mot de passe a été changé.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MemberDialog</name>
    <message>
        <source>A member arrives</source>
        <translation>Arrivée d’un membre</translation>
    </message>
    <message>
        <source>Departure of %1</source>
        <translation>Départ de %1</translation>
    </message>
    <message>
        <source>Correct the dates of %1</source>
        <translation>Corriger les dates de %1</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Prénom</translation>
    </message>
    <message>
        <source>&amp;First name</source>
        <translation>&amp;Prénom</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>&amp;Last name</source>
        <translation>&amp;Nom</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Date de naissance</translation>
    </message>
    <message>
        <source>&amp;Birth date</source>
        <translation>&amp;Date de naissance</translation>
    </message>
    <message>
        <source>Adult or child</source>
        <translation>Adulte ou enfant</translation>
    </message>
    <message>
        <source>A&amp;dult or child</source>
        <translation>Adulte ou &amp;enfant</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexe</translation>
    </message>
    <message>
        <source>Not said</source>
        <translation>Non précisé</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Femme</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Homme</translation>
    </message>
    <message>
        <source>&amp;Sex</source>
        <translation>&amp;Sexe</translation>
    </message>
    <message>
        <source>Arrival date</source>
        <translation>Date d’arrivée</translation>
    </message>
    <message>
        <source>Arrived after the household&apos;s start, on</source>
        <translation>Arrivé·e après l’inscription du foyer, le</translation>
    </message>
    <message>
        <source>Arrived after the household&apos;s start</source>
        <translation>Arrivé·e après l’inscription du foyer</translation>
    </message>
    <message>
        <source>&amp;Arrived on</source>
        <translation>&amp;Arrivée le</translation>
    </message>
    <message>
        <source>Departure date</source>
        <translation>Date de départ</translation>
    </message>
    <message>
        <source>Has left, on</source>
        <translation>Parti·e le</translation>
    </message>
    <message>
        <source>Has left the household</source>
        <translation>A quitté le foyer</translation>
    </message>
    <message>
        <source>&amp;Left on</source>
        <translation>Départ &amp;le</translation>
    </message>
    <message>
        <source>Reason of the departure</source>
        <translation>Motif du départ</translation>
    </message>
    <message>
        <source>Moved out, new household, death…</source>
        <translation>Déménagement, nouveau foyer, décès…</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>&amp;Motif</translation>
    </message>
    <message>
        <source>The change is saved with the case file (Save); until then it can be undone.</source>
        <translation>La modification est enregistrée avec le dossier (Enregistrer) ; d’ici là, elle peut être annulée.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MerchantDecisionDialog</name>
    <message>
        <source>Approve a merchant</source>
        <translation>Agréer un commerçant</translation>
    </message>
    <message>
        <source>Withdraw an approval</source>
        <translation>Retirer un agrément</translation>
    </message>
    <message>
        <source>Refuse a merchant</source>
        <translation>Refuser un commerçant</translation>
    </message>
    <message>
        <source>%1 (%2): its purchases count as sustainable from this day on.</source>
        <translation>%1 (%2) : ses achats comptent comme durables à partir de ce jour.</translation>
    </message>
    <message>
        <source>%1 (%2): from this day on its purchases no longer count as sustainable.</source>
        <translation>%1 (%2) : à partir de ce jour, ses achats ne comptent plus comme durables.</translation>
    </message>
    <message>
        <source>%1 (%2): its purchases do not count as sustainable (except during an approval).</source>
        <translation>%1 (%2) : ses achats ne comptent pas comme durables (sauf pendant un agrément).</translation>
    </message>
    <message>
        <source>Approved &amp;from:</source>
        <translation>Agréé à &amp;partir du :</translation>
    </message>
    <message>
        <source>Withdrawn &amp;on:</source>
        <translation>Retiré &amp;le :</translation>
    </message>
    <message>
        <source>The committee&apos;s reason, a meeting&apos;s date...</source>
        <translation>Le motif du comité, la date d’une réunion…</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>&amp;Note :</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>A&amp;gréer</translation>
    </message>
    <message>
        <source>&amp;Withdraw</source>
        <translation>&amp;Retirer</translation>
    </message>
    <message>
        <source>&amp;Refuse</source>
        <translation>Re&amp;fuser</translation>
    </message>
</context>
<context>
    <name>cabas::ui::MerchantsPanel</name>
    <message>
        <source>The merchants seen in the ledger and the committee&apos;s decisions. An approval counts from its first day until it is withdrawn; outside approvals a refused merchant does not count as sustainable, and a merchant with no decision follows the operator&apos;s flag.</source>
        <translation>Les commerçants vus dans le registre et les décisions du comité. Un agrément compte de son premier jour jusqu’à son retrait ; hors agrément, un commerçant refusé ne compte pas comme durable, et un commerçant sans décision suit l’indication de l’opérateur.</translation>
    </message>
    <message>
        <source>&amp;Undecided only</source>
        <translation>&amp;En attente de décision seulement</translation>
    </message>
    <message>
        <source>Merchant</source>
        <translation>Commerçant</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Operator&apos;s flag</source>
        <translation>Indication de l’opérateur</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Décision</translation>
    </message>
    <message>
        <source>Approved from</source>
        <translation>Agréé à partir du</translation>
    </message>
    <message>
        <source>Withdrawn on</source>
        <translation>Retiré le</translation>
    </message>
    <message>
        <source>Merchants</source>
        <translation>Commerçants</translation>
    </message>
    <message>
        <source>&amp;Approve...</source>
        <translation>A&amp;gréer…</translation>
    </message>
    <message>
        <source>&amp;Withdraw...</source>
        <translation>Re&amp;tirer…</translation>
    </message>
    <message>
        <source>&amp;Refuse...</source>
        <translation>Refu&amp;ser…</translation>
    </message>
    <message>
        <source>Undecided</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Agréé</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>Retiré</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Refusé</translation>
    </message>
    <message>
        <source>Sustainable</source>
        <translation>Durable</translation>
    </message>
    <message>
        <source>Not sustainable</source>
        <translation>Non durable</translation>
    </message>
    <message>
        <source>Organic shop</source>
        <translation>Magasin bio</translation>
    </message>
    <message>
        <source>Local producer</source>
        <translation>Producteur local</translation>
    </message>
    <message>
        <source>Farm shop</source>
        <translation>Vente à la ferme</translation>
    </message>
    <message>
        <source>Market</source>
        <translation>Marché</translation>
    </message>
    <message>
        <source>Grocery</source>
        <translation>Épicerie</translation>
    </message>
    <message>
        <source>Supermarket</source>
        <translation>Supermarché</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
</context>
<context>
    <name>cabas::ui::PersonsImportDialog</name>
    <message>
        <source>Import persons.csv</source>
        <translation>Importer persons.csv</translation>
    </message>
    <message>
        <source>Households, members and cards from a persons.csv file (see the format in the documentation). The file is checked first: nothing is written unless it has no error, and then all of it is.</source>
        <translation>Foyers, membres et cartes à partir d’un fichier persons.csv (voir le format dans la documentation). Le fichier est d’abord vérifié : rien n’est écrit s’il contient une erreur ; sinon, tout est écrit.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Erreurs</translation>
    </message>
    <message>
        <source>Choose persons.csv</source>
        <translation>Choisir persons.csv</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Fichiers CSV (*.csv);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Ligne</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>avertissement : %1</translation>
    </message>
    <message>
        <source>No error. Importing will do: %1</source>
        <translation>Aucune erreur. L’import effectuera : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s): fix the file and choose it again. Nothing was written.</source>
        <translation>
            <numerusform>%n erreur : corrigez le fichier et choisissez-le à nouveau. Rien n’a été écrit.</numerusform>
            <numerusform>%n erreurs : corrigez le fichier et choisissez-le à nouveau. Rien n’a été écrit.</numerusform>
        </translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Import de %1…</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Rien n’a été importé.</translation>
    </message>
    <message>
        <source>Imported. %1</source>
        <translation>Importé. %1</translation>
    </message>
    <message>
        <source>File to import</source>
        <translation>Fichier à importer</translation>
    </message>
    <message>
        <source>&amp;Choose the file…</source>
        <translation>&amp;Choisir le fichier…</translation>
    </message>
    <message>
        <source>Problems found</source>
        <translation>Problèmes détectés</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
    </message>
</context>
<context>
    <name>cabas::ui::PreventionStepForm</name>
    <message>
        <source>New prevention step</source>
        <translation>Nouvelle démarche de prévention</translation>
    </message>
    <message>
        <source>due on</source>
        <translation>prévue le</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date :</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type :</translation>
    </message>
    <message>
        <source>&amp;Partner:</source>
        <translation>&amp;Partenaire :</translation>
    </message>
    <message>
        <source>&amp;Outcome:</source>
        <translation>&amp;Résultat :</translation>
    </message>
    <message>
        <source>Ne&amp;xt step:</source>
        <translation>Démarche &amp;suivante :</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes :</translation>
    </message>
    <message>
        <source>Next step due on</source>
        <translation>Prochaine démarche prévue le</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ProgrammeEditor</name>
    <message>
        <source>Organic shops</source>
        <translation>Magasins bio</translation>
    </message>
    <message>
        <source>Local producers</source>
        <translation>Producteurs locaux</translation>
    </message>
    <message>
        <source>Farm shops</source>
        <translation>Vente à la ferme</translation>
    </message>
    <message>
        <source>Markets</source>
        <translation>Marchés</translation>
    </message>
    <message>
        <source>Grocery shops</source>
        <translation>Épiceries</translation>
    </message>
    <message>
        <source>Supermarkets</source>
        <translation>Supermarchés</translation>
    </message>
    <message>
        <source>Other merchants</source>
        <translation>Autres commerçants</translation>
    </message>
    <message>
        <source>Start of the programme</source>
        <translation>Début du programme</translation>
    </message>
    <message>
        <source>Planned end</source>
        <translation>Fin prévue</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>EUR, or the label of a local currency such as MonA: never summed together.</source>
        <translation>EUR, ou le libellé d’une monnaie locale comme MonA : jamais additionnés entre eux.</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Monnaie</translation>
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
        <source> years</source>
        <translation> ans</translation>
    </message>
    <message>
        <source>A child counts as an adult from</source>
        <translation>Un enfant compte comme adulte à partir de</translation>
    </message>
    <message>
        <source>Household code prefix</source>
        <translation>Préfixe des codes de foyer</translation>
    </message>
    <message>
        <source> people</source>
        <translation> personnes</translation>
    </message>
    <message>
        <source>Public figures hide any group smaller than this (11 in French practice for health data).</source>
        <translation>Les chiffres publics masquent tout groupe plus petit que ce seuil (11 dans la pratique française pour les données de santé).</translation>
    </message>
    <message>
        <source>Smallest group shown in public figures</source>
        <translation>Plus petit groupe affiché dans les chiffres publics</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Wave</source>
        <translation>Vague</translation>
    </message>
    <message>
        <source>Days after enrolment</source>
        <translation>Jours après l’inscription</translation>
    </message>
    <message>
        <source>Tolerance (days)</source>
        <translation>Tolérance (jours)</translation>
    </message>
    <message>
        <source>Follow-up waves</source>
        <translation>Vagues de suivi</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>Rate (%)</source>
        <translation>Taux (%)</translation>
    </message>
    <message>
        <source>Monthly cap</source>
        <translation>Plafond mensuel</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>Valable du</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Valable jusqu’au</translation>
    </message>
    <message>
        <source>Dates as 2024-06-01 or 01/06/2024; an empty cap means no cap, an empty end date means no end.</source>
        <translation>Dates au format 2024-06-01 ou 01/06/2024 ; un plafond vide signifie sans plafond, une date de fin vide signifie sans fin.</translation>
    </message>
    <message>
        <source>Bonus on sustainable purchases</source>
        <translation>Bonus sur les achats durables</translation>
    </message>
    <message>
        <source>Merchant categories counted as sustainable</source>
        <translation>Catégories de commerçants comptées comme durables</translation>
    </message>
    <message>
        <source>Follow-up wave %1: the days must be whole numbers.</source>
        <translation>Vague de suivi %1 : les jours doivent être des nombres entiers.</translation>
    </message>
    <message>
        <source>Bonus rule %1: the rate must be a number of percent, such as 50.</source>
        <translation>Règle de bonus %1 : le taux doit être un pourcentage, comme 50.</translation>
    </message>
    <message>
        <source>Bonus rule %1: the monthly cap must be an amount, such as 25 or 25,50.</source>
        <translation>Règle de bonus %1 : le plafond mensuel doit être un montant, comme 25 ou 25,50.</translation>
    </message>
    <message>
        <source>Bonus rule %1: &quot;%2&quot; is not a date (2024-06-01 or 01/06/2024).</source>
        <translation>Règle de bonus %1 : « %2 » n’est pas une date (2024-06-01 ou 01/06/2024).</translation>
    </message>
    <message>
        <source>Planned end date</source>
        <translation>Date de fin prévue</translation>
    </message>
    <message>
        <source>Add: %1</source>
        <translation>Ajouter : %1</translation>
    </message>
    <message>
        <source>Remove the selected row: %1</source>
        <translation>Supprimer la ligne sélectionnée : %1</translation>
    </message>
    <message>
        <source>Monthly allowance</source>
        <translation>Allocation mensuelle</translation>
    </message>
    <message>
        <source>By role: an amount per adult and per child</source>
        <translation>Par rôle : un montant par adulte et par enfant</translation>
    </message>
    <message>
        <source>Per person: one amount per member</source>
        <translation>Par personne : un montant unique par membre</translation>
    </message>
    <message>
        <source>Income bands: an amount by income per consumption unit</source>
        <translation>Tranches de ressources : un montant selon les ressources par unité de consommation</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Règle</translation>
    </message>
    <message>
        <source>Monthly allowance per member</source>
        <translation>Allocation mensuelle par membre</translation>
    </message>
    <message>
        <source>Monthly income per unit, up to</source>
        <translation>Ressources mensuelles par unité, jusqu’à</translation>
    </message>
    <message>
        <source>Monthly amount</source>
        <translation>Montant mensuel</translation>
    </message>
    <message>
        <source>Income bands</source>
        <translation>Tranches de ressources</translation>
    </message>
    <message>
        <source>In increasing order of income; the last band has no upper limit (leave it empty). Amounts such as 600 or 600,50.</source>
        <translation>Par ordre croissant de ressources ; la dernière tranche n’a pas de limite supérieure (laissez-la vide). Montants comme 600 ou 600,50.</translation>
    </message>
    <message>
        <source>Add a band</source>
        <translation>Ajouter une tranche</translation>
    </message>
    <message>
        <source>Remove the band</source>
        <translation>Supprimer la tranche</translation>
    </message>
    <message>
        <source>per household</source>
        <translation>par foyer</translation>
    </message>
    <message>
        <source>per member</source>
        <translation>par membre</translation>
    </message>
    <message>
        <source>The band&apos;s amount is</source>
        <translation>Le montant de la tranche est</translation>
    </message>
    <message>
        <source>Consumption units of the first person</source>
        <translation>Unités de consommation de la première personne</translation>
    </message>
    <message>
        <source>Consumption units of each other person of that age</source>
        <translation>Unités de consommation de chaque autre personne de cet âge</translation>
    </message>
    <message>
        <source>Consumption units of each younger child</source>
        <translation>Unités de consommation de chaque enfant plus jeune</translation>
    </message>
    <message>
        <source>Age from which a person counts as an adult in consumption units</source>
        <translation>Âge à partir duquel une personne compte comme adulte dans les unités de consommation</translation>
    </message>
    <message>
        <source>first person</source>
        <translation>première personne</translation>
    </message>
    <message>
        <source>others</source>
        <translation>autres</translation>
    </message>
    <message>
        <source>children under</source>
        <translation>enfants de moins de</translation>
    </message>
    <message>
        <source>Consumption units</source>
        <translation>Unités de consommation</translation>
    </message>
    <message>
        <source> months</source>
        <translation> mois</translation>
    </message>
    <message>
        <source>Re-assess the income every</source>
        <translation>Réévaluer les ressources tous les</translation>
    </message>
    <message>
        <source>Prorate the first month by the days left in it</source>
        <translation>Calculer le premier mois au prorata des jours restants</translation>
    </message>
    <message>
        <source>Income band %1: &quot;%2&quot; is not an amount (such as 900 or 900,50); leave the last band&apos;s limit empty.</source>
        <translation>Tranche de ressources %1 : « %2 » n’est pas un montant (par exemple 900 ou 900,50) ; laissez vide le plafond de la dernière tranche.</translation>
    </message>
    <message>
        <source>Income band %1: the monthly amount &quot;%2&quot; is not an amount (such as 70 or 70,50).</source>
        <translation>Tranche de ressources %1 : le montant mensuel « %2 » n’est pas un montant (par exemple 70 ou 70,50).</translation>
    </message>
</context>
<context>
    <name>cabas::ui::QuestionnaireForm</name>
    <message>
        <source>New diet questionnaire</source>
        <translation>Nouveau questionnaire alimentaire</translation>
    </message>
    <message>
        <source>— not answered</source>
        <translation>— sans réponse</translation>
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
        <source>&amp;Date:</source>
        <translation>&amp;Date :</translation>
    </message>
    <message>
        <source>&amp;Wave:</source>
        <translation>&amp;Vague :</translation>
    </message>
    <message>
        <source>&amp;Fruit and vegetables:</source>
        <translation>&amp;Fruits et légumes :</translation>
    </message>
    <message>
        <source>portions a day</source>
        <translation>portions par jour</translation>
    </message>
    <message>
        <source>&amp;Organic fruit and vegetables:</source>
        <translation>Fruits et légumes &amp;bio :</translation>
    </message>
    <message>
        <source>&amp;Local products:</source>
        <translation>Produits &amp;locaux :</translation>
    </message>
    <message>
        <source>Organic &amp;products:</source>
        <translation>Produits bi&amp;o :</translation>
    </message>
    <message>
        <source>Discovered a &amp;sustainable shop or producer:</source>
        <translation>A découvert un &amp;commerce ou un producteur durable :</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>n’est pas un nombre</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>trop grand</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ReconciliationModel</name>
    <message>
        <source>missing bonus</source>
        <translation>bonus manquant</translation>
    </message>
    <message>
        <source>missing credit</source>
        <translation>crédit manquant</translation>
    </message>
    <message>
        <source>duplicated credit</source>
        <translation>crédit en double</translation>
    </message>
    <message>
        <source>bonus not expected</source>
        <translation>bonus non prévu</translation>
    </message>
    <message>
        <source>credit not expected</source>
        <translation>crédit non prévu</translation>
    </message>
    <message>
        <source>wrong amount</source>
        <translation>montant erroné</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>Monthly allowance</source>
        <translation>Allocation mensuelle</translation>
    </message>
    <message numerus="yes">
        <source>%n posted entries</source>
        <translation>
            <numerusform>%n mouvement comptabilisé</numerusform>
            <numerusform>%n mouvements comptabilisés</numerusform>
        </translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Foyer</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Mois</translation>
    </message>
    <message>
        <source>Checked</source>
        <translation>Vérifié</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Attendu</translation>
    </message>
    <message>
        <source>Credited</source>
        <translation>Crédité</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Différence</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>household</source>
        <translation>foyer</translation>
    </message>
    <message>
        <source>month</source>
        <translation>mois</translation>
    </message>
    <message>
        <source>checked</source>
        <translation>vérifié</translation>
    </message>
    <message>
        <source>expected (%1)</source>
        <translation>attendu (%1)</translation>
    </message>
    <message>
        <source>credited (%1)</source>
        <translation>crédité (%1)</translation>
    </message>
    <message>
        <source>difference (%1)</source>
        <translation>différence (%1)</translation>
    </message>
    <message>
        <source>problem</source>
        <translation>problème</translation>
    </message>
    <message>
        <source>entries</source>
        <translation>mouvements</translation>
    </message>
    <message>
        <source>bonus</source>
        <translation>bonus</translation>
    </message>
    <message>
        <source>allowance</source>
        <translation>allocation</translation>
    </message>
</context>
<context>
    <name>cabas::ui::ReconciliationPage</name>
    <message numerus="yes">
        <source>%n missing</source>
        <translation>
            <numerusform>%n manquant</numerusform>
            <numerusform>%n manquants</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n duplicated</source>
        <translation>
            <numerusform>%n en double</numerusform>
            <numerusform>%n en double</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not expected</source>
        <translation>
            <numerusform>%n non prévu</numerusform>
            <numerusform>%n non prévus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n wrong amount(s)</source>
        <translation>
            <numerusform>%n montant erroné</numerusform>
            <numerusform>%n montants erronés</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2); expected %3, credited %4, difference %5</source>
        <translation>%1 (%2) ; attendu %3, crédité %4, différence %5</translation>
    </message>
    <message numerus="yes">
        <source>%n discrepancy(ies)</source>
        <translation>
            <numerusform>%n écart</numerusform>
            <numerusform>%n écarts</numerusform>
        </translation>
    </message>
    <message>
        <source>Credit reconciliation</source>
        <translation>Rapprochement des crédits</translation>
    </message>
    <message>
        <source>For each household and month, the credit the programme&apos;s rule gives compared with the allowance entries of the card ledger.</source>
        <translation>Pour chaque foyer et chaque mois, le crédit que donne la règle du programme, comparé aux crédits d’allocation des mouvements de carte.</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;Du</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>&amp;Au</translation>
    </message>
    <message>
        <source>&amp;Bonus check</source>
        <translation>Contrôle des &amp;bonus</translation>
    </message>
    <message>
        <source>Also compare the bonuses in the ledger with what the bonus rules give (rate, monthly cap, validity dates).</source>
        <translation>Comparer aussi les bonus des mouvements de carte avec ce que donnent les règles de bonus (taux, plafond mensuel, dates de validité).</translation>
    </message>
    <message>
        <source>&amp;Reconcile</source>
        <translation>&amp;Rapprocher</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Reconciliation running</source>
        <translation>Rapprochement en cours</translation>
    </message>
    <message>
        <source>Discrepancies</source>
        <translation>Écarts</translation>
    </message>
    <message>
        <source>Double-click a line to open the household&apos;s case file.</source>
        <translation>Double-cliquez sur une ligne pour ouvrir le dossier du foyer.</translation>
    </message>
    <message>
        <source>&amp;Export CSV…</source>
        <translation>&amp;Exporter en CSV…</translation>
    </message>
    <message>
        <source>You see the counts and sums only, without any household.</source>
        <translation>Vous ne voyez que les effectifs et les totaux, sans aucun foyer.</translation>
    </message>
    <message>
        <source>Reconciling %1 to %2…</source>
        <translation>Rapprochement du %1 au %2…</translation>
    </message>
    <message>
        <source>Reconciliation cancelled.</source>
        <translation>Rapprochement annulé.</translation>
    </message>
    <message numerus="yes">
        <source>%1 to %2: %n household-month(s) checked.</source>
        <translation>
            <numerusform>Du %1 au %2 : %n foyer-mois vérifié.</numerusform>
            <numerusform>Du %1 au %2 : %n foyers-mois vérifiés.</numerusform>
        </translation>
    </message>
    <message>
        <source>Monthly credits: every credit is as the rule gives.</source>
        <translation>Crédits mensuels : tous les crédits sont conformes à la règle.</translation>
    </message>
    <message>
        <source>Monthly credits: %1.</source>
        <translation>Crédits mensuels : %1.</translation>
    </message>
    <message>
        <source>Bonuses: every bonus is as the bonus rules give.</source>
        <translation>Bonus : tous les bonus sont conformes aux règles de bonus.</translation>
    </message>
    <message>
        <source>Bonuses: %1.</source>
        <translation>Bonus : %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n month(s) without an income assessment in force: not checked (record the assessment in the case file).</source>
        <translation>
            <numerusform>%n mois sans évaluation des ressources en vigueur : non vérifié (enregistrez l’évaluation dans le dossier du foyer).</numerusform>
            <numerusform>%n mois sans évaluation des ressources en vigueur : non vérifiés (enregistrez l’évaluation dans le dossier du foyer).</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: cannot be written (%2).</source>
        <translation>Impossible d’écrire %1 (%2).</translation>
    </message>
    <message numerus="yes">
        <source>%n discrepancies written to %1.</source>
        <translation>
            <numerusform>%n écart écrit dans %1.</numerusform>
            <numerusform>%n écarts écrits dans %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the discrepancies</source>
        <translation>Exporter les écarts</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>cabas::ui::RecoveryKeyDialog</name>
    <message>
        <source>Recovery key</source>
        <translation>Clé de secours</translation>
    </message>
    <message>
        <source>Write down the recovery key</source>
        <translation>Notez la clé de secours</translation>
    </message>
    <message>
        <source>This is the recovery key of the new database. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</source>
        <translation>Voici la clé de secours de la nouvelle base de données. Elle n’est affichée qu’une seule fois et Cabas n’en garde aucune copie. Si les mots de passe de tous les administrateurs sont perdus, c’est le seul moyen d’ouvrir les clés de la base. Notez-la ou imprimez-la, et conservez-la en lieu sûr, loin de cet ordinateur.</translation>
    </message>
    <message>
        <source>Copy the recovery key</source>
        <translation>Copier la clé de secours</translation>
    </message>
    <message>
        <source>Print the recovery key</source>
        <translation>Imprimer la clé de secours</translation>
    </message>
    <message>
        <source>I have &amp;written down the recovery key</source>
        <translation>J’ai &amp;noté la clé de secours</translation>
    </message>
    <message>
        <source>Copied. Paste it somewhere safe, then copy something else so that it does not stay in the clipboard.</source>
        <translation>Copiée. Collez-la en lieu sûr, puis copiez autre chose pour qu’elle ne reste pas dans le presse-papiers.</translation>
    </message>
    <message>
        <source>Cabas: recovery key</source>
        <translation>Cabas : clé de secours</translation>
    </message>
    <message>
        <source>Keep this page in a safe place. It opens the database&apos;s keys when every administrator&apos;s password is lost.</source>
        <translation>Conservez cette page en lieu sûr. Elle permet d’ouvrir les clés de la base de données si les mots de passe de tous les administrateurs sont perdus.</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Envoyée à l’imprimante.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::RegisterPersonsDialog</name>
    <message>
        <source>Register persons</source>
        <translation>Inscrire des personnes</translation>
    </message>
    <message>
        <source>Name, person code or household code</source>
        <translation>Nom, code de personne ou code du foyer</translation>
    </message>
    <message>
        <source>%1 (%2, household %3)</source>
        <translation>%1 (%2, foyer %3)</translation>
    </message>
    <message>
        <source>%1 is on the waiting list: the workshop is full.</source>
        <translation>%1 est sur liste d’attente : l’atelier est complet.</translation>
    </message>
    <message>
        <source>%1 is registered.</source>
        <translation>%1 est inscrit·e.</translation>
    </message>
    <message>
        <source>Find a person</source>
        <translation>Rechercher une personne</translation>
    </message>
    <message>
        <source>Persons found</source>
        <translation>Personnes trouvées</translation>
    </message>
    <message>
        <source>&amp;Register</source>
        <translation>&amp;Inscrire</translation>
    </message>
    <message>
        <source>&amp;Find a person:</source>
        <translation>&amp;Rechercher une personne :</translation>
    </message>
</context>
<context>
    <name>cabas::ui::SealDatabaseDialog</name>
    <message>
        <source>Writing the backup…</source>
        <translation>Écriture de la sauvegarde…</translation>
    </message>
    <message>
        <source>Copying the database…</source>
        <translation>Copie de la base…</translation>
    </message>
    <message>
        <source>Making the keys and the users&apos; temporary passwords…</source>
        <translation>Création des clés et des mots de passe provisoires des utilisateurs…</translation>
    </message>
    <message>
        <source>Encrypting names, addresses and notes…</source>
        <translation>Chiffrement des noms, adresses et notes…</translation>
    </message>
    <message>
        <source>Compacting the encrypted copy…</source>
        <translation>Compactage de la copie chiffrée…</translation>
    </message>
    <message>
        <source>Checking the encrypted copy…</source>
        <translation>Vérification de la copie chiffrée…</translation>
    </message>
    <message>
        <source>Replacing the database…</source>
        <translation>Remplacement de la base…</translation>
    </message>
    <message>
        <source>Encrypt the personal data</source>
        <translation>Chiffrer les données personnelles</translation>
    </message>
    <message>
        <source>This database keeps names and addresses in clear</source>
        <translation>Cette base garde les noms et les adresses en clair</translation>
    </message>
    <message>
        <source>Anyone with a copy of the file can read the names, birth dates, addresses and notes of the households. Cabas can encrypt them now: it first writes a backup, then an encrypted copy, checks it and puts it in the database&apos;s place. The other users then get a temporary password each, shown once at the end, to hand over in person. Nobody else must be using the database meanwhile; it takes a few seconds per 10,000 households.</source>
        <translation>Quiconque a une copie du fichier peut lire les noms, dates de naissance, adresses et notes des foyers. Cabas peut les chiffrer maintenant : il écrit d’abord une sauvegarde, puis une copie chiffrée, la vérifie et la met à la place de la base. Les autres utilisateurs reçoivent ensuite chacun un mot de passe provisoire, affiché une seule fois à la fin, à remettre en main propre. Personne d’autre ne doit utiliser la base pendant ce temps ; comptez quelques secondes pour 10 000 foyers.</translation>
    </message>
    <message>
        <source>&amp;Backup written first</source>
        <translation>&amp;Sauvegarde écrite d’abord</translation>
    </message>
    <message>
        <source>The backup still holds everything in clear: keep it locked away and destroy it once the encrypted database is checked.</source>
        <translation>La sauvegarde contient encore tout en clair : rangez-la sous clé et détruisez-la une fois la base chiffrée vérifiée.</translation>
    </message>
    <message>
        <source>Your &amp;password again</source>
        <translation>Votre &amp;mot de passe, de nouveau</translation>
    </message>
    <message>
        <source>Progress of the encryption</source>
        <translation>Avancement du chiffrement</translation>
    </message>
    <message>
        <source>&amp;Encrypt now</source>
        <translation>&amp;Chiffrer maintenant</translation>
    </message>
    <message>
        <source>&amp;Not now</source>
        <translation>&amp;Pas maintenant</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>Type your password again to encrypt the database.</source>
        <translation>Tapez de nouveau votre mot de passe pour chiffrer la base.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Encrypting the health data…</source>
        <translation>Chiffrement des données de santé…</translation>
    </message>
    <message>
        <source>This database keeps its health data in clear</source>
        <translation>Cette base garde ses données de santé en clair</translation>
    </message>
    <message>
        <source>Names, addresses and notes are encrypted, but anyone with a copy of the file can read the checkups, questionnaires and support notes. Cabas can encrypt them with the recovery key: it first writes a backup, then an encrypted copy, checks it and puts it in the database&apos;s place. Nobody else must be using the database meanwhile.</source>
        <translation>Les noms, adresses et notes sont chiffrés, mais quiconque a une copie du fichier peut lire les bilans, questionnaires et notes d’accompagnement. Cabas peut les chiffrer avec la clé de secours : il écrit d’abord une sauvegarde, puis une copie chiffrée, la vérifie et la met à la place de la base. Personne d’autre ne doit utiliser la base pendant ce temps.</translation>
    </message>
    <message>
        <source>&amp;Recovery key</source>
        <translation>Clé de sec&amp;ours</translation>
    </message>
    <message>
        <source>Type the recovery key to encrypt the health data.</source>
        <translation>Saisissez la clé de secours pour chiffrer les données de santé.</translation>
    </message>
    <message>
        <source>The health data is encrypted with the nurses&apos; key, which an administrator never holds: type the recovery key printed when the database was made (or at its latest replacement) to encrypt it too. Left empty, the health data stays clear until you seal it with the key.</source>
        <translation>Les données de santé sont chiffrées avec la clé des infirmières, qu’un administrateur ne détient jamais : saisissez la clé de secours imprimée à la création de la base (ou à son dernier remplacement) pour les chiffrer aussi. Laissée vide, les données de santé restent en clair jusqu’à ce que vous les chiffriez avec la clé.</translation>
    </message>
    <message>
        <source>The recovery key printed when the database was made (or at its latest replacement): the health data is encrypted with the nurses&apos; key, which only it opens for an administrator.</source>
        <translation>La clé de secours imprimée à la création de la base (ou à son dernier remplacement) : les données de santé sont chiffrées avec la clé des infirmières, que seule elle ouvre pour un administrateur.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::SupportSessionForm</name>
    <message>
        <source>New support session</source>
        <translation>Nouvel accompagnement individuel</translation>
    </message>
    <message>
        <source>The person</source>
        <translation>La personne</translation>
    </message>
    <message>
        <source>The whole household (%1)</source>
        <translation>Tout le foyer (%1)</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date :</translation>
    </message>
    <message>
        <source>&amp;With:</source>
        <translation>&amp;Avec :</translation>
    </message>
    <message>
        <source>&amp;Topic:</source>
        <translation>&amp;Sujet :</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes :</translation>
    </message>
</context>
<context>
    <name>cabas::ui::SyncDialog</name>
    <message>
        <source>The token could not be saved in %1: %2</source>
        <translation>Le jeton n’a pas pu être enregistré dans %1 : %2</translation>
    </message>
    <message>
        <source>Ledger sync</source>
        <translation>Synchronisation des mouvements de carte</translation>
    </message>
    <message>
        <source>Feed &amp;address:</source>
        <translation>&amp;Adresse du flux :</translation>
    </message>
    <message>
        <source>the token the card operator gave</source>
        <translation>le jeton fourni par l’opérateur de cartes</translation>
    </message>
    <message>
        <source>(saved; type a new one to replace it)</source>
        <translation>(enregistré ; saisissez-en un nouveau pour le remplacer)</translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation>&amp;Jeton :</translation>
    </message>
    <message>
        <source>The token is kept in %1, readable only by you (no system keychain is used).</source>
        <translation>Le jeton est conservé dans %1, lisible par vous seul·e (aucun trousseau du système n’est utilisé).</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>&amp;Synchroniser maintenant</translation>
    </message>
    <message>
        <source>Cancel the sync</source>
        <translation>Annuler la synchronisation</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cartes</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Mouvements</translation>
    </message>
    <message>
        <source>%1: never synced.</source>
        <translation>%1 : aucune synchronisation.</translation>
    </message>
    <message>
        <source>%1: synced on %2.</source>
        <translation>%1 : synchronisation le %2.</translation>
    </message>
    <message>
        <source>%1: the sync of %2 failed: %3%4</source>
        <translation>%1 : la synchronisation du %2 a échoué : %3%4</translation>
    </message>
    <message>
        <source> (last success: %1)</source>
        <translation> (dernière réussite : %1)</translation>
    </message>
    <message>
        <source>Type the token the card operator gave.</source>
        <translation>Saisissez le jeton fourni par l’opérateur de cartes.</translation>
    </message>
    <message>
        <source>%1 pages, %2 cards, %3 entries received</source>
        <translation>%1 pages, %2 cartes, %3 mouvements reçus</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Synced: %1 cards and %2 entries received; %3 new, %4 revised (%5 s).</source>
        <translation>Synchronisé : %1 cartes et %2 mouvements reçus ; %3 nouveaux, %4 révisés (%5 s).</translation>
    </message>
    <message>
        <source>Stopping after the current page…</source>
        <translation>Arrêt après la page en cours…</translation>
    </message>
    <message>
        <source>Sync progress</source>
        <translation>Progression de la synchronisation</translation>
    </message>
</context>
<context>
    <name>cabas::ui::TemporaryPasswordsDialog</name>
    <message>
        <source>Temporary passwords</source>
        <translation>Mots de passe provisoires</translation>
    </message>
    <message>
        <source>%1 (%2, %3): %4</source>
        <translation>%1 (%2, %3) : %4</translation>
    </message>
    <message>
        <source>Write down the users&apos; temporary passwords</source>
        <translation>Notez les mots de passe provisoires des utilisateurs</translation>
    </message>
    <message>
        <source>The database is now encrypted. The other users&apos; passwords could not open its keys, so each got a new temporary password. They are shown only this once and Cabas keeps no copy: give each user theirs in person, and ask them to change it.</source>
        <translation>La base est maintenant chiffrée. Les mots de passe des autres utilisateurs ne pouvaient pas ouvrir ses clés : chacun a reçu un nouveau mot de passe provisoire. Ils ne sont affichés que cette fois et Cabas n’en garde aucune copie : remettez à chaque utilisateur le sien en main propre, et demandez-lui de le changer.</translation>
    </message>
    <message>
        <source>Copy the temporary passwords</source>
        <translation>Copier les mots de passe provisoires</translation>
    </message>
    <message>
        <source>Print the temporary passwords</source>
        <translation>Imprimer les mots de passe provisoires</translation>
    </message>
    <message>
        <source>I have &amp;written down the temporary passwords</source>
        <translation>J’ai &amp;noté les mots de passe provisoires</translation>
    </message>
    <message>
        <source>Copied. Paste them somewhere safe, then copy something else so that they do not stay in the clipboard.</source>
        <translation>Copiés. Collez-les en lieu sûr, puis copiez autre chose pour qu’ils ne restent pas dans le presse-papiers.</translation>
    </message>
    <message>
        <source>Cabas: temporary passwords</source>
        <translation>Cabas : mots de passe provisoires</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>Envoyé à l’imprimante.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::TickListDialog</name>
    <message>
        <source>Attendance: %1</source>
        <translation>Présences : %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2, %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2, %3</translation>
    </message>
    <message>
        <source>Tick the persons present; the others are recorded absent.</source>
        <translation>Cochez les personnes présentes ; les autres sont enregistrées comme absentes.</translation>
    </message>
    <message>
        <source>%1 present, %2 absent</source>
        <translation>%1 présent(s), %2 absent(s)</translation>
    </message>
    <message>
        <source>Registered persons</source>
        <translation>Personnes inscrites</translation>
    </message>
</context>
<context>
    <name>cabas::ui::UserAccountDialog</name>
    <message>
        <source>Change my password</source>
        <translation>Changer mon mot de passe</translation>
    </message>
    <message>
        <source>Your password also opens your keys to the encrypted data: changing it re-seals them, nothing else changes. Backups taken before still open with the old password.</source>
        <translation>Votre mot de passe ouvre aussi vos clés des données chiffrées : le changer ne fait que les protéger par le nouveau mot de passe, rien d’autre ne change. Les sauvegardes faites avant s’ouvrent toujours avec l’ancien mot de passe.</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>Nouveau mot de passe pour %1</translation>
    </message>
    <message>
        <source>Add a user</source>
        <translation>Ajouter un utilisateur</translation>
    </message>
    <message>
        <source>for example amelie.roux</source>
        <translation>par exemple amelie.roux</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Identifiant :</translation>
    </message>
    <message>
        <source>&amp;Name shown:</source>
        <translation>&amp;Nom affiché :</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rôle :</translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation>Mot de passe &amp;actuel :</translation>
    </message>
    <message>
        <source>At least 12 characters, of at least three kinds among lower case, upper case, digits and other characters.</source>
        <translation>Au moins 12 caractères, d’au moins trois sortes parmi minuscules, majuscules, chiffres et autres caractères.</translation>
    </message>
    <message>
        <source>First &amp;password:</source>
        <translation>Premier &amp;mot de passe :</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>Nouveau &amp;mot de passe :</translation>
    </message>
    <message>
        <source>&amp;Same password again:</source>
        <translation>Le &amp;même mot de passe :</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Ajouter</translation>
    </message>
    <message>
        <source>&amp;Change the password</source>
        <translation>&amp;Changer le mot de passe</translation>
    </message>
    <message>
        <source>%1 gets new keys with this password and the account is unlocked. Give the password to %1 in person; Cabas asks them to change it at their next login. A nurse&apos;s access to health data comes back at the next login of another nurse.</source>
        <translation>%1 reçoit de nouvelles clés avec ce mot de passe et le compte est débloqué. Remettez le mot de passe à %1 en main propre ; Cabas lui demandera de le changer à sa prochaine connexion. L’accès d’une infirmière aux données de santé revient à la prochaine connexion d’une autre infirmière.</translation>
    </message>
    <message>
        <source>The new user logs in with this first password, then Cabas asks them to choose their own at once. A nurse&apos;s access to health data is opened at the next login of another nurse.</source>
        <translation>Le nouvel utilisateur se connecte avec ce premier mot de passe, puis Cabas lui demande aussitôt de choisir le sien. L’accès d’une infirmière aux données de santé s’ouvre à la prochaine connexion d’une autre infirmière.</translation>
    </message>
    <message>
        <source>Your password was set by an administrator: it is temporary. Choose your own password now to go on; if you cancel, you are logged out.</source>
        <translation>Votre mot de passe a été choisi par un administrateur : il est provisoire. Choisissez le vôtre maintenant pour continuer ; si vous annulez, vous êtes déconnecté·e.</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopEditorDialog</name>
    <message>
        <source>Edit the workshop</source>
        <translation>Modifier l’atelier</translation>
    </message>
    <message>
        <source>New workshop</source>
        <translation>Nouvel atelier</translation>
    </message>
    <message>
        <source>from</source>
        <translation>de</translation>
    </message>
    <message>
        <source>to</source>
        <translation>à</translation>
    </message>
    <message>
        <source>Producer or merchant</source>
        <translation>Producteur ou commerçant</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Sans limite</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Type :</translation>
    </message>
    <message>
        <source>T&amp;itle:</source>
        <translation>T&amp;itre :</translation>
    </message>
    <message>
        <source>&amp;Date:</source>
        <translation>&amp;Date :</translation>
    </message>
    <message>
        <source>Set a time, from</source>
        <translation>Préciser un horaire, de</translation>
    </message>
    <message>
        <source>Start time</source>
        <translation>Heure de début</translation>
    </message>
    <message>
        <source>End time</source>
        <translation>Heure de fin</translation>
    </message>
    <message>
        <source>Ti&amp;me:</source>
        <translation>&amp;Horaire :</translation>
    </message>
    <message>
        <source>&amp;Place:</source>
        <translation>&amp;Lieu :</translation>
    </message>
    <message>
        <source>Pa&amp;rtner:</source>
        <translation>&amp;Partenaire :</translation>
    </message>
    <message>
        <source>Place&amp;s:</source>
        <translation>Pla&amp;ces :</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes :</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopHistoryWidget</name>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Workshop</source>
        <translation>Atelier</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>Présence</translation>
    </message>
    <message>
        <source>Workshop cancelled</source>
        <translation>Atelier annulé</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Inscrit</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>Présent</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>Absent</translation>
    </message>
    <message>
        <source>No workshop registration yet.</source>
        <translation>Aucune inscription à un atelier pour l’instant.</translation>
    </message>
    <message numerus="yes">
        <source>%n attendance(s) at %1 workshop(s), out of %2 registration(s).</source>
        <translation>
            <numerusform>%n présence à %1 atelier(s), sur %2 inscription(s).</numerusform>
            <numerusform>%n présences à %1 atelier(s), sur %2 inscription(s).</numerusform>
        </translation>
    </message>
    <message>
        <source>Workshops attended</source>
        <translation>Ateliers suivis</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopMonthModel</name>
    <message>
        <source>Cancelled on %1</source>
        <translation>Annulé le %1</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>%1 (cancelled)</source>
        <translation>%1 (annulé)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 present, %2 absent</source>
        <translation>%1 présent(s), %2 absent(s)</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Horaire</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Workshop</source>
        <translation>Atelier</translation>
    </message>
    <message>
        <source>Place (partner)</source>
        <translation>Lieu (partenaire)</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Inscrits</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>Présences</translation>
    </message>
</context>
<context>
    <name>cabas::ui::WorkshopsPage</name>
    <message>
        <source>◀ Previous month</source>
        <translation>◀ Mois précédent</translation>
    </message>
    <message>
        <source>Next month ▶</source>
        <translation>Mois suivant ▶</translation>
    </message>
    <message>
        <source>No workshop this month.</source>
        <translation>Aucun atelier ce mois-ci.</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Foyer</translation>
    </message>
    <message>
        <source>Registration</source>
        <translation>Inscription</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>Présence</translation>
    </message>
    <message>
        <source>Cancel the registration</source>
        <translation>Annuler l’inscription</translation>
    </message>
    <message>
        <source>Cancel the workshop</source>
        <translation>Annuler l’atelier</translation>
    </message>
    <message>
        <source>Cancel the registration of %1?</source>
        <translation>Annuler l’inscription de %1 ?</translation>
    </message>
    <message>
        <source>Cancel this workshop? Its registrations are kept, for the record.</source>
        <translation>Annuler cet atelier ? Ses inscriptions sont conservées, pour mémoire.</translation>
    </message>
    <message>
        <source>Choose a workshop to see its registrations.</source>
        <translation>Choisissez un atelier pour voir ses inscriptions.</translation>
    </message>
    <message>
        <source>Place: %1</source>
        <translation>Lieu : %1</translation>
    </message>
    <message>
        <source>partner: %1</source>
        <translation>partenaire : %1</translation>
    </message>
    <message>
        <source>%1 registered for %2 places (%3 left)</source>
        <translation>%1 inscrit(s) pour %2 places (%3 restante(s))</translation>
    </message>
    <message>
        <source>%1 registered (no limit)</source>
        <translation>%1 inscrit(s) (sans limite)</translation>
    </message>
    <message numerus="yes">
        <source>%n on the waiting list</source>
        <translation>
            <numerusform>%n personne sur la liste d’attente</numerusform>
            <numerusform>%n personnes sur la liste d’attente</numerusform>
        </translation>
    </message>
    <message>
        <source>Attendance: %1 present, %2 absent</source>
        <translation>Présences : %1 présent(s), %2 absent(s)</translation>
    </message>
    <message>
        <source>Cancelled on %1</source>
        <translation>Annulé le %1</translation>
    </message>
    <message>
        <source>Waiting list (%1)</source>
        <translation>Liste d’attente (%1)</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>Présent</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>Absent</translation>
    </message>
    <message>
        <source>%1 moves up from the waiting list and has a place.</source>
        <translation>%1 quitte la liste d’attente et obtient une place.</translation>
    </message>
    <message>
        <source>This &amp;month</source>
        <translation>&amp;Ce mois-ci</translation>
    </message>
    <message>
        <source>Previous month</source>
        <translation>Mois précédent</translation>
    </message>
    <message>
        <source>Next month</source>
        <translation>Mois suivant</translation>
    </message>
    <message>
        <source>&amp;New workshop…</source>
        <translation>&amp;Nouvel atelier…</translation>
    </message>
    <message>
        <source>&amp;Import attendance…</source>
        <translation>Importer les &amp;présences…</translation>
    </message>
    <message>
        <source>Workshops of the month</source>
        <translation>Ateliers du mois</translation>
    </message>
    <message>
        <source>Registrations</source>
        <translation>Inscriptions</translation>
    </message>
    <message>
        <source>&amp;Register…</source>
        <translation>&amp;Inscrire…</translation>
    </message>
    <message>
        <source>&amp;Tick-list of the day…</source>
        <translation>&amp;Liste d’émargement du jour…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Modifier…</translation>
    </message>
</context>
<context>
    <name>cabas::ui::a11y</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
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
    <message>
        <source>Use a dark palette (the Fusion style), whatever the system&apos;s theme. Same as CABAS_THEME=dark.</source>
        <translation>Utiliser une palette sombre (le style Fusion), quel que soit le thème du système. Équivaut à CABAS_THEME=dark.</translation>
    </message>
    <message>
        <source>The colours: system (the default: the system&apos;s style), light or dark. CABAS_THEME gives the default.</source>
        <translation>Les couleurs : system (par défaut : le style du système), light (clair) ou dark (sombre). CABAS_THEME fixe la valeur par défaut.</translation>
    </message>
    <message>
        <source>unknown theme &quot;%1&quot; (expected one of: system, light, dark)</source>
        <translation>thème inconnu « %1 » (valeurs attendues : system, light, dark)</translation>
    </message>
    <message>
        <source>The database is now encrypted, and this is its recovery key. It is shown only this once and Cabas keeps no copy of it. If every administrator&apos;s password is lost, it is the only way to open the database&apos;s keys. Write it down or print it, and keep it in a safe place, away from this computer.</source>
        <translation>La base est maintenant chiffrée, et voici sa clé de secours. Elle n’est affichée que cette fois et Cabas n’en garde aucune copie. Si les mots de passe de tous les administrateurs sont perdus, c’est le seul moyen d’ouvrir les clés de la base. Notez-la ou imprimez-la, et rangez-la en lieu sûr, loin de cet ordinateur.</translation>
    </message>
    <message>
        <source>The database is now encrypted: log in again.</source>
        <translation>La base est maintenant chiffrée : reconnectez-vous.</translation>
    </message>
    <message>
        <source>The password of %1 is temporary: log in without --screenshot and change it first.</source>
        <translation>Le mot de passe de %1 est provisoire : connectez-vous sans --screenshot et changez-le d’abord.</translation>
    </message>
    <message>
        <source>Your password was not changed, so you are logged out. Log in again to choose your own password.</source>
        <translation>Votre mot de passe n’a pas été changé, vous êtes donc déconnecté·e. Reconnectez-vous pour choisir le vôtre.</translation>
    </message>
</context>
</TS>
