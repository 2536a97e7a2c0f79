
use builtin;
use str;

set edit:completion:arg-completer[mailctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mailctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mailctl'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand setup 'Set up a fresh server: hostname, first domain and mailbox, TLS, services'
            cand status 'What is configured: counts, data directory, listeners'
            cand stats 'The running daemon''s numbers (connections, mail, queue, logins, verdicts) from its metrics endpoint; the queue from the database when the endpoint is off'
            cand domain 'Manage the domains this server receives mail for'
            cand user 'Manage mailboxes (users) and their passwords and quotas'
            cand alias 'Manage aliases, distribution lists and catch-alls'
            cand config 'Read and change server settings'
            cand queue 'Inspect and manage the mail queue (list, show, flush, retry, delete, hold, release)'
            cand tls 'The TLS certificate in use and its ACME renewal (status, renew)'
            cand trace 'Why didn''t a message arrive? Its timeline (queued or in the delivery history) and a diagnosis of what failed, by address, Message-ID or queue id'
            cand sendmail 'Read a message on stdin and queue it, with sendmail''s flags (-t, -i, -f, -F ...)'
            cand install-links 'Create `sendmail` and `mailq` links to this binary in DIR (e.g. /usr/sbin)'
            cand serve 'Run the mail daemons (SMTP, submission, IMAP, POP3, outbound queue); `--dev` for a zero-setup local demo'
            cand ban 'List or lift bans of client addresses that failed to log in too often'
            cand cluster 'The nodes serving this mail system: heartbeats, listeners, queue claims, last error'
            cand greylist 'What greylisting on port 25 remembers, and its allow list'
            cand dnsbl 'What the DNS allow- and blocklists of the inbound checks say about a client address'
            cand sieve 'Users'' Sieve mail filters: store, activate, check and dry-run scripts'
            cand vacation 'Away messages without writing Sieve (generates the script `mailctl-vacation`)'
            cand forward 'Forward a user''s mail without writing Sieve (generates the script `mailctl-forward`)'
            cand test 'Live check of a mail server: connect, greeting, capabilities, TLS and certificate, login'
            cand maildir 'Inspect, check and repair Maildirs; import and export mbox'
            cand import 'Migrate in from Dovecot or any IMAP server, keeping UIDs so clients keep their caches'
            cand dns 'DNS diagnostics: check MX, PTR, SPF, DKIM, DMARC and blocklists; print the records to publish'
            cand check 'Dry runs of the inbound checks: what the server would decide about a message'
            cand dkim 'DKIM signing keys: generate, show the record to publish, import'
            cand backup 'Take a consistent backup of the data directory while the server runs, or check one (--verify)'
            cand restore 'Restore a backup onto a fresh (empty) data directory'
            cand upgrade 'Before and after an upgrade: what this mailctl would migrate (--check), or go back to the database copy taken before the last migration'
            cand db 'The core database''s engine: move a SQLite server to PostgreSQL (`db migrate --to`)'
            cand autoconfig 'Print the mail client autoconfiguration document (config-v1.1.xml) for a domain'
            cand completions 'Print shell completions for mailctl'
            cand man 'Write man pages for mailctl, every subcommand and the settings into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;setup'= {
            cand --hostname 'The mail server''s own name (MX target, EHLO, certificate), e.g. mail.example.org'
            cand --domain 'The first domain to receive mail for, e.g. example.org'
            cand --admin 'The first mailbox; postmaster@ and abuse@ of the domain are aliased to it'
            cand --password-hash 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)'
            cand --tls '`self-signed` (made now), `acme` (ordered from Let''s Encrypt by `serve`, HTTP-01 on port 80; self-signed until then), or `CERT,KEY` paths of PEM files (e.g. certbot''s)'
            cand --acme-email 'With `--tls acme`: the contact address the CA sends expiry warnings to'
            cand --services 'Services to enable, comma-separated (default: all): smtp, submission, submissions, imap, imaps, pop3, pop3s'
            cand --relay-host 'Send outbound mail through this host (HOST or HOST:PORT), for ISPs that block port 25'
            cand --public-ip 'The server''s public address(es); default: the public addresses of the interfaces'
            cand --service-user 'Account the daemons run as after binding ports (created when setup runs as root)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --non-interactive 'Take every answer from flags; fail on any missing one. For provisioning scripts'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --random-password 'Generate a random password and print it once'
            cand --allow-weak 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)'
            cand --reset-password 'Change the admin''s password if the mailbox already exists'
            cand --install-service 'Write a systemd unit to /etc/systemd/system/mailctl.service'
            cand --no-dns-check 'Do not run `dns check` at the end (offline installs, CI)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;status'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;stats'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;domain'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Start receiving mail for a domain (internationalized names welcome)'
            cand remove 'Stop serving a domain. Refuses while it has users or aliases unless --force'
            cand list 'List served domains with user and alias counts'
            cand show 'Counts and Maildir size of one domain, and its inbound policy'
            cand set 'A domain''s own inbound policy: spam thresholds and what spam and DMARC failures get'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;domain;add'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --create 'Create the data directory and database if there is none yet (a new server). Without it, a missing data directory is an error, so a typo cannot start a second server'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;domain;remove'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --force 'Also remove the domain''s users and aliases (their Maildirs stay on disk)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;domain;list'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;domain;show'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;domain;set'= {
            cand --spam-junk-score 'rspamd score at or above which mail to this domain goes to Junk; `default` follows inbound.spam_junk_score'
            cand --spam-reject-score 'rspamd score at or above which mail to this domain is refused at DATA; `default` follows inbound.spam_reject_score'
            cand --spam-action 'The most spam gets: reject (refused at DATA, so the sender bounces it), junk (Junk folder, never refused), tag (X-Spam headers only); `default` follows inbound.spam_action'
            cand --dmarc-reject 'What mail failing DMARC for a sender domain publishing p=reject gets; `default` follows inbound.dmarc_reject'
            cand --dmarc-quarantine 'What mail failing DMARC for a sender domain publishing p=quarantine gets; `default` follows inbound.dmarc_quarantine'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --clear 'Remove every override of this domain first (flags given with it are then set)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;domain;help'= {
            cand add 'Start receiving mail for a domain (internationalized names welcome)'
            cand remove 'Stop serving a domain. Refuses while it has users or aliases unless --force'
            cand list 'List served domains with user and alias counts'
            cand show 'Counts and Maildir size of one domain, and its inbound policy'
            cand set 'A domain''s own inbound policy: spam thresholds and what spam and DMARC failures get'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;domain;help;add'= {
        }
        &'mailctl;domain;help;remove'= {
        }
        &'mailctl;domain;help;list'= {
        }
        &'mailctl;domain;help;show'= {
        }
        &'mailctl;domain;help;set'= {
        }
        &'mailctl;domain;help;help'= {
        }
        &'mailctl;user'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv'
            cand remove 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge'
            cand list 'List mailboxes'
            cand show 'Details of one mailbox, including its Maildir usage'
            cand passwd 'Change a mailbox''s password'
            cand set 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)'
            cand test-password 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)'
            cand import 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;user;add'= {
            cand --password-hash 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)'
            cand --quota 'Mailbox size limit, e.g. 2G or 500M (default: none)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --reuse-maildir 'Give the new user the Maildir that already exists for this address, with all its mail'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --random-password 'Generate a random password and print it once'
            cand --allow-weak 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;user;remove'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --keep-mail 'Leave the Maildir where it is (a later `user add` must then say --reuse-maildir)'
            cand --purge 'Delete the Maildir with all its mail'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;user;list'= {
            cand --domain 'Only this domain'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;user;show'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;user;passwd'= {
            cand --password-hash 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --password-stdin 'Read the password from the first line of standard input'
            cand --random-password 'Generate a random password and print it once'
            cand --allow-weak 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;user;set'= {
            cand --quota 'New quota (e.g. 2G; 0 for none)'
            cand --send-limit 'Outbound limits for this user when it sends after AUTH: messages per hour, then optionally recipients per day (e.g. 500 or 500/hour,5000/day); 0 is no limit, `default` follows the server''s submission.max_messages_per_hour and submission.max_recipients_per_day'
            cand --spam-junk-score 'rspamd score at or above which this user''s mail goes to Junk, over the domain''s and the server''s (`default` follows them)'
            cand --spam-reject-score 'rspamd score at or above which mail to this user is refused at DATA (when every recipient of the message refuses it; otherwise it goes to this user''s Junk)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --disable 'Stop the mailbox from logging in and from receiving mail (mail to it is refused with 550 at RCPT); its mail stays'
            cand --enable 'Let a disabled mailbox log in and receive mail again'
            cand --admin 'Make the user an administrator: it may use the web administration (`/admin`)'
            cand --no-admin 'Make an administrator an ordinary user again'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;user;test-password'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --password-stdin 'Read the password from the first line of standard input (else prompt on a TTY)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;user;import'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --skip-bad 'Import the good lines and report the bad ones instead of importing nothing'
            cand --allow-weak 'Accept plain passwords that are the address, its local part or a common password'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;user;help'= {
            cand add 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv'
            cand remove 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge'
            cand list 'List mailboxes'
            cand show 'Details of one mailbox, including its Maildir usage'
            cand passwd 'Change a mailbox''s password'
            cand set 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)'
            cand test-password 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)'
            cand import 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;user;help;add'= {
        }
        &'mailctl;user;help;remove'= {
        }
        &'mailctl;user;help;list'= {
        }
        &'mailctl;user;help;show'= {
        }
        &'mailctl;user;help;passwd'= {
        }
        &'mailctl;user;help;set'= {
        }
        &'mailctl;user;help;test-password'= {
        }
        &'mailctl;user;help;import'= {
        }
        &'mailctl;user;help;help'= {
        }
        &'mailctl;alias'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list'
            cand remove 'Remove some destinations of SOURCE, or the whole alias when none are given'
            cand list 'List aliases with their destinations'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;alias;add'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --force 'Allow an alias that diverts a mailbox''s mail away from it'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;alias;remove'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;alias;list'= {
            cand --domain 'Only this domain'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;alias;help'= {
            cand add 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list'
            cand remove 'Remove some destinations of SOURCE, or the whole alias when none are given'
            cand list 'List aliases with their destinations'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;alias;help;add'= {
        }
        &'mailctl;alias;help;remove'= {
        }
        &'mailctl;alias;help;list'= {
        }
        &'mailctl;alias;help;help'= {
        }
        &'mailctl;config'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Every setting with its value, default, type and meaning'
            cand get 'Print one setting''s value (the default when unset)'
            cand set 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)'
            cand unset 'Remove a stored value so the default applies again (a running daemon reloads)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;config;list'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;config;get'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;config;set'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --force 'Store a mynetworks wider than a /24 (IPv6: /64) or 0.0.0.0/0: an open relay for it'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;config;unset'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;config;help'= {
            cand list 'Every setting with its value, default, type and meaning'
            cand get 'Print one setting''s value (the default when unset)'
            cand set 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)'
            cand unset 'Remove a stored value so the default applies again (a running daemon reloads)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;config;help;list'= {
        }
        &'mailctl;config;help;get'= {
        }
        &'mailctl;config;help;set'= {
        }
        &'mailctl;config;help;unset'= {
        }
        &'mailctl;config;help;help'= {
        }
        &'mailctl;queue'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Messages in the queue with each recipient''s state and last error (`mailq`)'
            cand show 'One message: envelope, every attempt with the remote''s replies, and its headers'
            cand flush 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time'
            cand retry 'Make these messages due now; a running server retries them within seconds'
            cand delete 'Remove messages without delivering or bouncing them (`postsuper -d`)'
            cand hold 'Keep messages from being attempted until released (`postsuper -h`)'
            cand release 'Let held messages be attempted again (`postsuper -H`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;queue;list'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --deferred 'Only messages waiting for a retry after a failed attempt'
            cand --held 'Only messages on hold'
            cand --quarantined 'Only messages whose spool file failed verification (kept in queue/quarantine/)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;queue;show'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;queue;flush'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;queue;retry'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;queue;delete'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --all 'Remove every message'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;queue;hold'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;queue;release'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;queue;help'= {
            cand list 'Messages in the queue with each recipient''s state and last error (`mailq`)'
            cand show 'One message: envelope, every attempt with the remote''s replies, and its headers'
            cand flush 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time'
            cand retry 'Make these messages due now; a running server retries them within seconds'
            cand delete 'Remove messages without delivering or bouncing them (`postsuper -d`)'
            cand hold 'Keep messages from being attempted until released (`postsuper -h`)'
            cand release 'Let held messages be attempted again (`postsuper -H`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;queue;help;list'= {
        }
        &'mailctl;queue;help;show'= {
        }
        &'mailctl;queue;help;flush'= {
        }
        &'mailctl;queue;help;retry'= {
        }
        &'mailctl;queue;help;delete'= {
        }
        &'mailctl;queue;help;hold'= {
        }
        &'mailctl;queue;help;release'= {
        }
        &'mailctl;queue;help;help'= {
        }
        &'mailctl;tls'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand status 'The certificate in use (issuer, names, serial, expiry) and the last ACME result'
            cand renew 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;tls;status'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;tls;renew'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;tls;help'= {
            cand status 'The certificate in use (issuer, names, serial, expiry) and the last ACME result'
            cand renew 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;tls;help;status'= {
        }
        &'mailctl;tls;help;renew'= {
        }
        &'mailctl;tls;help;help'= {
        }
        &'mailctl;trace'= {
            cand --since 'Only messages received within this long (e.g. 2h, 3d); default: all that are kept'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sendmail'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
        }
        &'mailctl;install-links'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;serve'= {
            cand --listen 'Override a listener: NAME=ADDR:PORT (repeatable; port 0 picks a free port)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --dev 'Zero-setup demo: data in ./mailctl-dev, domain example.test, a demo user, a self-signed certificate, loopback ports (SMTP 2525, submission 2587, IMAP 2143, POP3 2110, ManageSieve 4190, webmail 2443)'
            cand --allow-root 'Keep running as root when server.user is empty (containers with no other account)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;ban'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Addresses banned now, with when the ban ends'
            cand remove 'Lift the ban on an address and forget its failed logins'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;ban;list'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;ban;remove'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;ban;help'= {
            cand list 'Addresses banned now, with when the ban ends'
            cand remove 'Lift the ban on an address and forget its failed logins'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;ban;help;list'= {
        }
        &'mailctl;ban;help;remove'= {
        }
        &'mailctl;ban;help;help'= {
        }
        &'mailctl;cluster'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand status 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;cluster;status'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;cluster;help'= {
            cand status 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;cluster;help;status'= {
        }
        &'mailctl;cluster;help;help'= {
        }
        &'mailctl;greylist'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently'
            cand allow 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)'
            cand remove 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;greylist;list'= {
            cand --limit 'Show at most this many triplets, most recently seen first'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;greylist;allow'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;greylist;remove'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;greylist;help'= {
            cand list 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently'
            cand allow 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)'
            cand remove 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;greylist;help;list'= {
        }
        &'mailctl;greylist;help;allow'= {
        }
        &'mailctl;greylist;help;remove'= {
        }
        &'mailctl;greylist;help;help'= {
        }
        &'mailctl;dnsbl'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand test 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;dnsbl;test'= {
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;dnsbl;help'= {
            cand test 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;dnsbl;help;test'= {
        }
        &'mailctl;dnsbl;help;help'= {
        }
        &'mailctl;sieve'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'A user''s scripts, which one is active, sizes and when changed'
            cand get 'Print a stored script'
            cand put 'Store a script from a file (or - for stdin) after checking it compiles'
            cand activate 'Make a script the one delivery runs'
            cand deactivate 'Run no script of this user at delivery'
            cand delete 'Delete a script (not the active one)'
            cand check 'Check that a script file compiles; errors say line:column'
            cand test 'Dry run: what the scripts would do with a message, without delivering it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;sieve;list'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;get'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;put'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --activate 'Make it the active script too'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;activate'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;deactivate'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;delete'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;check'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;test'= {
            cand --message 'The message (RFC 5322 file), or - for stdin'
            cand --from 'Envelope sender (MAIL FROM); empty for the null sender'
            cand --to 'Envelope recipient (RCPT TO). Default: ADDRESS'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;sieve;help'= {
            cand list 'A user''s scripts, which one is active, sizes and when changed'
            cand get 'Print a stored script'
            cand put 'Store a script from a file (or - for stdin) after checking it compiles'
            cand activate 'Make a script the one delivery runs'
            cand deactivate 'Run no script of this user at delivery'
            cand delete 'Delete a script (not the active one)'
            cand check 'Check that a script file compiles; errors say line:column'
            cand test 'Dry run: what the scripts would do with a message, without delivering it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;sieve;help;list'= {
        }
        &'mailctl;sieve;help;get'= {
        }
        &'mailctl;sieve;help;put'= {
        }
        &'mailctl;sieve;help;activate'= {
        }
        &'mailctl;sieve;help;deactivate'= {
        }
        &'mailctl;sieve;help;delete'= {
        }
        &'mailctl;sieve;help;check'= {
        }
        &'mailctl;sieve;help;test'= {
        }
        &'mailctl;sieve;help;help'= {
        }
        &'mailctl;vacation'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand set 'Answer mail to ADDRESS with an away message (once per sender per --days)'
            cand off 'Stop answering: remove the generated vacation script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;vacation;set'= {
            cand --subject 'The reply''s subject (default: "Auto: " and the original subject)'
            cand --body-file 'The reply''s text, UTF-8 (or - for stdin)'
            cand --from 'First day to answer, YYYY-MM-DD (server time zone)'
            cand --until 'Last day to answer, YYYY-MM-DD'
            cand --days 'Days between two replies to the same sender (RFC 5230 default 7, at least 1)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;vacation;off'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;vacation;help'= {
            cand set 'Answer mail to ADDRESS with an away message (once per sender per --days)'
            cand off 'Stop answering: remove the generated vacation script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;vacation;help;set'= {
        }
        &'mailctl;vacation;help;off'= {
        }
        &'mailctl;vacation;help;help'= {
        }
        &'mailctl;forward'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand set 'Forward ADDRESS''s mail to DEST... (with --keep, a copy stays in the mailbox)'
            cand off 'Stop forwarding: remove the generated forward script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;forward;set'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --keep 'Keep a copy in the user''s mailbox too'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;forward;off'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;forward;help'= {
            cand set 'Forward ADDRESS''s mail to DEST... (with --keep, a copy stays in the mailbox)'
            cand off 'Stop forwarding: remove the generated forward script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;forward;help;set'= {
        }
        &'mailctl;forward;help;off'= {
        }
        &'mailctl;forward;help;help'= {
        }
        &'mailctl;test'= {
            cand --user 'Log in as this user (AUTH PLAIN). Needs --password-stdin: the password is never an argument (other users could read it in the process list)'
            cand --timeout 'Seconds to wait for each step (delivery: for the message to leave the queue)'
            cand --from 'delivery: the envelope sender (default postmaster@ the first domain)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --starttls 'Upgrade with STARTTLS (STLS for POP3) after the greeting'
            cand --tls 'Implicit TLS from the first byte (ports 465, 993, 995)'
            cand --password-stdin 'Read --user''s password from the first line of standard input (e.g. `echo "$PW" | mailctl test smtp HOST --user U --password-stdin`)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;maildir'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand walk 'The folder tree with message counts, unread, flagged, deleted, sizes and dates'
            cand ls 'The messages of a folder: date, from, subject, flags, size, file'
            cand show 'One message: the headers that matter, its MIME tree, and its text'
            cand reindex 'Rebuild the account''s UID index from its Maildir, keeping the UIDs of existing messages'
            cand check 'Find what is wrong; with --repair, fix what is safe (never deletes anything)'
            cand import-mbox 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)'
            cand export-mbox 'Export a mailbox folder to an mbox file (- for stdout)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;maildir;walk'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;maildir;ls'= {
            cand --folder 'Folder (INBOX, Sent, Archive/2024)'
            cand --since 'Only messages from this day on (YYYY-MM-DD)'
            cand --from 'Only messages whose From contains this text'
            cand --subject 'Only messages whose Subject contains this text'
            cand --limit 'At most this many messages'
            cand --sort 'Order of the list'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --unread 'Only messages not yet seen'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;maildir;show'= {
            cand --part 'Write MIME part N (as numbered in the tree) to stdout, decoded'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --raw 'Print the file as it is'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;maildir;reindex'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;maildir;check'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --repair 'Fix what is safe: recreate missing directories, normalise names and flags, narrow permissions, sync the index; move links, stale tmp files and files that are not messages (dot files, empty files, no header) to lost+found/ in the Maildir root, where clients do not see them'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;maildir;import-mbox'= {
            cand --folder 'Folder to import into (INBOX, Archive/2024); created if missing'
            cand --format 'mbox variant: auto, mboxrd or mboxo (see above)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;maildir;export-mbox'= {
            cand --format 'mbox variant: mboxrd (default; round-trips exactly) or mboxo (quotes only "From " lines; auto is mboxrd)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;maildir;help'= {
            cand walk 'The folder tree with message counts, unread, flagged, deleted, sizes and dates'
            cand ls 'The messages of a folder: date, from, subject, flags, size, file'
            cand show 'One message: the headers that matter, its MIME tree, and its text'
            cand reindex 'Rebuild the account''s UID index from its Maildir, keeping the UIDs of existing messages'
            cand check 'Find what is wrong; with --repair, fix what is safe (never deletes anything)'
            cand import-mbox 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)'
            cand export-mbox 'Export a mailbox folder to an mbox file (- for stdout)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;maildir;help;walk'= {
        }
        &'mailctl;maildir;help;ls'= {
        }
        &'mailctl;maildir;help;show'= {
        }
        &'mailctl;maildir;help;reindex'= {
        }
        &'mailctl;maildir;help;check'= {
        }
        &'mailctl;maildir;help;import-mbox'= {
        }
        &'mailctl;maildir;help;export-mbox'= {
        }
        &'mailctl;maildir;help;help'= {
        }
        &'mailctl;import'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand dovecot 'Import Dovecot''s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions'
            cand imap 'Copy every folder of an account from any IMAP server, keeping the source''s UIDVALIDITY and UIDs where the folder is new here; resumable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;import;dovecot'= {
            cand --domain 'The domain the users belong to (served here: `mailctl domain add`)'
            cand --passwd-file 'Dovecot''s passwd-file: its users are created here with their password hashes'
            cand --user 'Only this user (local part or address)'
            cand --layout 'Where an account''s Maildir is under ROOT, as Dovecot''s mail_location says it: %n the local part, %d the domain, %u the address'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --reset-passwords 'Give users whose hash this server cannot verify (MD5-CRYPT, SSHA, none) a new random password, printed in the summary, instead of refusing to import'
            cand --copy 'Copy the message files even when a hard link would do (a hard link shares the file, and its owner, with Dovecot''s store)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;import;imap'= {
            cand --to 'The mailbox here to copy into (default: USER, when it is an address of this server)'
            cand --all-users-from 'Many accounts: a CSV file of source_user,password[,to_address] lines (a header line starting with "user" and lines starting with # are skipped)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --password-stdin 'Read the source password from the first line of stdin'
            cand --insecure-tls 'Accept any TLS certificate from the source (a test server''s self-signed one)'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;import;help'= {
            cand dovecot 'Import Dovecot''s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions'
            cand imap 'Copy every folder of an account from any IMAP server, keeping the source''s UIDVALIDITY and UIDs where the folder is new here; resumable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;import;help;dovecot'= {
        }
        &'mailctl;import;help;imap'= {
        }
        &'mailctl;import;help;help'= {
        }
        &'mailctl;dns'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand check 'Check every record the domain''s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made'
            cand mx 'MX records of DOMAIN and the addresses they lead to'
            cand ptr 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back'
            cand spf 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address'
            cand dmarc 'The DMARC record of DOMAIN, checked'
            cand dkim 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held'
            cand bl 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list''s documented return codes are read; an error answer or a failed lookup is "error", exit 1'
            cand records 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;dns;check'= {
            cand --ip 'This server''s public address(es); default: the public_ip setting'
            cand --selector 'DKIM selector(s) to check; default: the keys mailctl holds for the domain'
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;dns;mx'= {
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;dns;ptr'= {
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;dns;spf'= {
            cand --ip 'Evaluate the record for this sending address (repeatable)'
            cand --sender 'Envelope sender to evaluate (default postmaster@DOMAIN)'
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;dns;dmarc'= {
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;dns;dkim'= {
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;dns;bl'= {
            cand --zone 'Blocklist zone(s) to ask instead of the setting'
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;dns;records'= {
            cand --ip 'The server''s public address(es); default: the public_ip setting'
            cand --backup-mx 'A backup MX host for the domain (repeatable): an MX line behind this server''s for each'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;dns;help'= {
            cand check 'Check every record the domain''s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made'
            cand mx 'MX records of DOMAIN and the addresses they lead to'
            cand ptr 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back'
            cand spf 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address'
            cand dmarc 'The DMARC record of DOMAIN, checked'
            cand dkim 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held'
            cand bl 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list''s documented return codes are read; an error answer or a failed lookup is "error", exit 1'
            cand records 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;dns;help;check'= {
        }
        &'mailctl;dns;help;mx'= {
        }
        &'mailctl;dns;help;ptr'= {
        }
        &'mailctl;dns;help;spf'= {
        }
        &'mailctl;dns;help;dmarc'= {
        }
        &'mailctl;dns;help;dkim'= {
        }
        &'mailctl;dns;help;bl'= {
        }
        &'mailctl;dns;help;records'= {
        }
        &'mailctl;dns;help;help'= {
        }
        &'mailctl;check'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand message 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage''s verdict and the decision. Exit 1 unless accepted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;check;message'= {
            cand --ip 'The connecting client''s address'
            cand --helo 'The name the client gave in EHLO/HELO'
            cand --from 'The MAIL FROM address; an empty string or `<>` is the null sender'
            cand --to 'Recipient(s) of the transaction'
            cand --nameserver 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s'
            cand --pct-sample 'The DMARC pct draw (0-99) instead of a random one, to reproduce a decision'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;check;help'= {
            cand message 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage''s verdict and the decision. Exit 1 unless accepted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;check;help;message'= {
        }
        &'mailctl;check;help;help'= {
        }
        &'mailctl;dkim'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand generate 'Make a signing key for DOMAIN and print the TXT record to publish'
            cand show 'Print the TXT records for the keys held for DOMAIN'
            cand import 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;dkim;generate'= {
            cand --selector 'Selector (default: the dkim.selector setting, "mail")'
            cand --algorithm 'ed25519 (small, modern) or rsa (2048 bits, verified everywhere; needs openssl)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --force 'Replace an existing key with the same selector'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;dkim;show'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;dkim;import'= {
            cand --selector 'Selector (default: the dkim.selector setting, "mail")'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;dkim;help'= {
            cand generate 'Make a signing key for DOMAIN and print the TXT record to publish'
            cand show 'Print the TXT records for the keys held for DOMAIN'
            cand import 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;dkim;help;generate'= {
        }
        &'mailctl;dkim;help;show'= {
        }
        &'mailctl;dkim;help;import'= {
        }
        &'mailctl;dkim;help;help'= {
        }
        &'mailctl;backup'= {
            cand --incremental-from 'Copy only messages that are not in this earlier backup (directory or .tar.zst); the new backup needs it to be restored'
            cand --format 'dir or tar.zst; default: tar.zst when DEST ends in .tar.zst, else dir'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --verify 'Check every file of the backup DEST against its manifest instead of taking one'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;restore'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --force 'Restore even though the data directory is not empty: what is there is moved aside to DIR.replaced-<time> first (never deleted). A running daemon still refuses'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;upgrade'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --check 'Say what this mailctl would migrate, changing nothing; exit 1 if it cannot open the database (its schema is newer)'
            cand --restore-snapshot 'Put back the newest `backups/pre-upgrade-vN.db` as the core database (the current one is kept in backups/). For going back to an older mailctl after an upgrade'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;db'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand migrate 'Move this server''s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;db;migrate'= {
            cand --to 'The empty PostgreSQL database, e.g. `postgres://mailctl@db.example.org/mail?sslmode=verify-full&sslrootcert=/etc/ssl/pg-ca.pem`; `-` reads it from stdin (a password in an argument is visible to `ps`)'
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;db;help'= {
            cand migrate 'Move this server''s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;db;help;migrate'= {
        }
        &'mailctl;db;help;help'= {
        }
        &'mailctl;autoconfig'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'mailctl;completions'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;man'= {
            cand --data-dir 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl'
            cand --json 'Machine-readable output: one JSON document on stdout'
            cand -q 'Print only errors and requested data'
            cand --quiet 'Print only errors and requested data'
            cand -v 'More detail (repeat for more)'
            cand --verbose 'More detail (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'mailctl;help'= {
            cand setup 'Set up a fresh server: hostname, first domain and mailbox, TLS, services'
            cand status 'What is configured: counts, data directory, listeners'
            cand stats 'The running daemon''s numbers (connections, mail, queue, logins, verdicts) from its metrics endpoint; the queue from the database when the endpoint is off'
            cand domain 'Manage the domains this server receives mail for'
            cand user 'Manage mailboxes (users) and their passwords and quotas'
            cand alias 'Manage aliases, distribution lists and catch-alls'
            cand config 'Read and change server settings'
            cand queue 'Inspect and manage the mail queue (list, show, flush, retry, delete, hold, release)'
            cand tls 'The TLS certificate in use and its ACME renewal (status, renew)'
            cand trace 'Why didn''t a message arrive? Its timeline (queued or in the delivery history) and a diagnosis of what failed, by address, Message-ID or queue id'
            cand sendmail 'Read a message on stdin and queue it, with sendmail''s flags (-t, -i, -f, -F ...)'
            cand install-links 'Create `sendmail` and `mailq` links to this binary in DIR (e.g. /usr/sbin)'
            cand serve 'Run the mail daemons (SMTP, submission, IMAP, POP3, outbound queue); `--dev` for a zero-setup local demo'
            cand ban 'List or lift bans of client addresses that failed to log in too often'
            cand cluster 'The nodes serving this mail system: heartbeats, listeners, queue claims, last error'
            cand greylist 'What greylisting on port 25 remembers, and its allow list'
            cand dnsbl 'What the DNS allow- and blocklists of the inbound checks say about a client address'
            cand sieve 'Users'' Sieve mail filters: store, activate, check and dry-run scripts'
            cand vacation 'Away messages without writing Sieve (generates the script `mailctl-vacation`)'
            cand forward 'Forward a user''s mail without writing Sieve (generates the script `mailctl-forward`)'
            cand test 'Live check of a mail server: connect, greeting, capabilities, TLS and certificate, login'
            cand maildir 'Inspect, check and repair Maildirs; import and export mbox'
            cand import 'Migrate in from Dovecot or any IMAP server, keeping UIDs so clients keep their caches'
            cand dns 'DNS diagnostics: check MX, PTR, SPF, DKIM, DMARC and blocklists; print the records to publish'
            cand check 'Dry runs of the inbound checks: what the server would decide about a message'
            cand dkim 'DKIM signing keys: generate, show the record to publish, import'
            cand backup 'Take a consistent backup of the data directory while the server runs, or check one (--verify)'
            cand restore 'Restore a backup onto a fresh (empty) data directory'
            cand upgrade 'Before and after an upgrade: what this mailctl would migrate (--check), or go back to the database copy taken before the last migration'
            cand db 'The core database''s engine: move a SQLite server to PostgreSQL (`db migrate --to`)'
            cand autoconfig 'Print the mail client autoconfiguration document (config-v1.1.xml) for a domain'
            cand completions 'Print shell completions for mailctl'
            cand man 'Write man pages for mailctl, every subcommand and the settings into DIR'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailctl;help;setup'= {
        }
        &'mailctl;help;status'= {
        }
        &'mailctl;help;stats'= {
        }
        &'mailctl;help;domain'= {
            cand add 'Start receiving mail for a domain (internationalized names welcome)'
            cand remove 'Stop serving a domain. Refuses while it has users or aliases unless --force'
            cand list 'List served domains with user and alias counts'
            cand show 'Counts and Maildir size of one domain, and its inbound policy'
            cand set 'A domain''s own inbound policy: spam thresholds and what spam and DMARC failures get'
        }
        &'mailctl;help;domain;add'= {
        }
        &'mailctl;help;domain;remove'= {
        }
        &'mailctl;help;domain;list'= {
        }
        &'mailctl;help;domain;show'= {
        }
        &'mailctl;help;domain;set'= {
        }
        &'mailctl;help;user'= {
            cand add 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv'
            cand remove 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge'
            cand list 'List mailboxes'
            cand show 'Details of one mailbox, including its Maildir usage'
            cand passwd 'Change a mailbox''s password'
            cand set 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)'
            cand test-password 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)'
            cand import 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing'
        }
        &'mailctl;help;user;add'= {
        }
        &'mailctl;help;user;remove'= {
        }
        &'mailctl;help;user;list'= {
        }
        &'mailctl;help;user;show'= {
        }
        &'mailctl;help;user;passwd'= {
        }
        &'mailctl;help;user;set'= {
        }
        &'mailctl;help;user;test-password'= {
        }
        &'mailctl;help;user;import'= {
        }
        &'mailctl;help;alias'= {
            cand add 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list'
            cand remove 'Remove some destinations of SOURCE, or the whole alias when none are given'
            cand list 'List aliases with their destinations'
        }
        &'mailctl;help;alias;add'= {
        }
        &'mailctl;help;alias;remove'= {
        }
        &'mailctl;help;alias;list'= {
        }
        &'mailctl;help;config'= {
            cand list 'Every setting with its value, default, type and meaning'
            cand get 'Print one setting''s value (the default when unset)'
            cand set 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)'
            cand unset 'Remove a stored value so the default applies again (a running daemon reloads)'
        }
        &'mailctl;help;config;list'= {
        }
        &'mailctl;help;config;get'= {
        }
        &'mailctl;help;config;set'= {
        }
        &'mailctl;help;config;unset'= {
        }
        &'mailctl;help;queue'= {
            cand list 'Messages in the queue with each recipient''s state and last error (`mailq`)'
            cand show 'One message: envelope, every attempt with the remote''s replies, and its headers'
            cand flush 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time'
            cand retry 'Make these messages due now; a running server retries them within seconds'
            cand delete 'Remove messages without delivering or bouncing them (`postsuper -d`)'
            cand hold 'Keep messages from being attempted until released (`postsuper -h`)'
            cand release 'Let held messages be attempted again (`postsuper -H`)'
        }
        &'mailctl;help;queue;list'= {
        }
        &'mailctl;help;queue;show'= {
        }
        &'mailctl;help;queue;flush'= {
        }
        &'mailctl;help;queue;retry'= {
        }
        &'mailctl;help;queue;delete'= {
        }
        &'mailctl;help;queue;hold'= {
        }
        &'mailctl;help;queue;release'= {
        }
        &'mailctl;help;tls'= {
            cand status 'The certificate in use (issuer, names, serial, expiry) and the last ACME result'
            cand renew 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it'
        }
        &'mailctl;help;tls;status'= {
        }
        &'mailctl;help;tls;renew'= {
        }
        &'mailctl;help;trace'= {
        }
        &'mailctl;help;sendmail'= {
        }
        &'mailctl;help;install-links'= {
        }
        &'mailctl;help;serve'= {
        }
        &'mailctl;help;ban'= {
            cand list 'Addresses banned now, with when the ban ends'
            cand remove 'Lift the ban on an address and forget its failed logins'
        }
        &'mailctl;help;ban;list'= {
        }
        &'mailctl;help;ban;remove'= {
        }
        &'mailctl;help;cluster'= {
            cand status 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error'
        }
        &'mailctl;help;cluster;status'= {
        }
        &'mailctl;help;greylist'= {
            cand list 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently'
            cand allow 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)'
            cand remove 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)'
        }
        &'mailctl;help;greylist;list'= {
        }
        &'mailctl;help;greylist;allow'= {
        }
        &'mailctl;help;greylist;remove'= {
        }
        &'mailctl;help;dnsbl'= {
            cand test 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked'
        }
        &'mailctl;help;dnsbl;test'= {
        }
        &'mailctl;help;sieve'= {
            cand list 'A user''s scripts, which one is active, sizes and when changed'
            cand get 'Print a stored script'
            cand put 'Store a script from a file (or - for stdin) after checking it compiles'
            cand activate 'Make a script the one delivery runs'
            cand deactivate 'Run no script of this user at delivery'
            cand delete 'Delete a script (not the active one)'
            cand check 'Check that a script file compiles; errors say line:column'
            cand test 'Dry run: what the scripts would do with a message, without delivering it'
        }
        &'mailctl;help;sieve;list'= {
        }
        &'mailctl;help;sieve;get'= {
        }
        &'mailctl;help;sieve;put'= {
        }
        &'mailctl;help;sieve;activate'= {
        }
        &'mailctl;help;sieve;deactivate'= {
        }
        &'mailctl;help;sieve;delete'= {
        }
        &'mailctl;help;sieve;check'= {
        }
        &'mailctl;help;sieve;test'= {
        }
        &'mailctl;help;vacation'= {
            cand set 'Answer mail to ADDRESS with an away message (once per sender per --days)'
            cand off 'Stop answering: remove the generated vacation script'
        }
        &'mailctl;help;vacation;set'= {
        }
        &'mailctl;help;vacation;off'= {
        }
        &'mailctl;help;forward'= {
            cand set 'Forward ADDRESS''s mail to DEST... (with --keep, a copy stays in the mailbox)'
            cand off 'Stop forwarding: remove the generated forward script'
        }
        &'mailctl;help;forward;set'= {
        }
        &'mailctl;help;forward;off'= {
        }
        &'mailctl;help;test'= {
        }
        &'mailctl;help;maildir'= {
            cand walk 'The folder tree with message counts, unread, flagged, deleted, sizes and dates'
            cand ls 'The messages of a folder: date, from, subject, flags, size, file'
            cand show 'One message: the headers that matter, its MIME tree, and its text'
            cand reindex 'Rebuild the account''s UID index from its Maildir, keeping the UIDs of existing messages'
            cand check 'Find what is wrong; with --repair, fix what is safe (never deletes anything)'
            cand import-mbox 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)'
            cand export-mbox 'Export a mailbox folder to an mbox file (- for stdout)'
        }
        &'mailctl;help;maildir;walk'= {
        }
        &'mailctl;help;maildir;ls'= {
        }
        &'mailctl;help;maildir;show'= {
        }
        &'mailctl;help;maildir;reindex'= {
        }
        &'mailctl;help;maildir;check'= {
        }
        &'mailctl;help;maildir;import-mbox'= {
        }
        &'mailctl;help;maildir;export-mbox'= {
        }
        &'mailctl;help;import'= {
            cand dovecot 'Import Dovecot''s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions'
            cand imap 'Copy every folder of an account from any IMAP server, keeping the source''s UIDVALIDITY and UIDs where the folder is new here; resumable'
        }
        &'mailctl;help;import;dovecot'= {
        }
        &'mailctl;help;import;imap'= {
        }
        &'mailctl;help;dns'= {
            cand check 'Check every record the domain''s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made'
            cand mx 'MX records of DOMAIN and the addresses they lead to'
            cand ptr 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back'
            cand spf 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address'
            cand dmarc 'The DMARC record of DOMAIN, checked'
            cand dkim 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held'
            cand bl 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list''s documented return codes are read; an error answer or a failed lookup is "error", exit 1'
            cand records 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for'
        }
        &'mailctl;help;dns;check'= {
        }
        &'mailctl;help;dns;mx'= {
        }
        &'mailctl;help;dns;ptr'= {
        }
        &'mailctl;help;dns;spf'= {
        }
        &'mailctl;help;dns;dmarc'= {
        }
        &'mailctl;help;dns;dkim'= {
        }
        &'mailctl;help;dns;bl'= {
        }
        &'mailctl;help;dns;records'= {
        }
        &'mailctl;help;check'= {
            cand message 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage''s verdict and the decision. Exit 1 unless accepted'
        }
        &'mailctl;help;check;message'= {
        }
        &'mailctl;help;dkim'= {
            cand generate 'Make a signing key for DOMAIN and print the TXT record to publish'
            cand show 'Print the TXT records for the keys held for DOMAIN'
            cand import 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)'
        }
        &'mailctl;help;dkim;generate'= {
        }
        &'mailctl;help;dkim;show'= {
        }
        &'mailctl;help;dkim;import'= {
        }
        &'mailctl;help;backup'= {
        }
        &'mailctl;help;restore'= {
        }
        &'mailctl;help;upgrade'= {
        }
        &'mailctl;help;db'= {
            cand migrate 'Move this server''s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it'
        }
        &'mailctl;help;db;migrate'= {
        }
        &'mailctl;help;autoconfig'= {
        }
        &'mailctl;help;completions'= {
        }
        &'mailctl;help;man'= {
        }
        &'mailctl;help;help'= {
        }
    ]
    $completions[$command]
}
