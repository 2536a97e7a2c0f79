# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mailctl_global_optspecs
    string join \n data-dir= json q/quiet v/verbose h/help V/version
end

function __fish_mailctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mailctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mailctl_using_subcommand
    set -l cmd (__fish_mailctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mailctl -n "__fish_mailctl_needs_command" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_needs_command" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_needs_command" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_needs_command" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_needs_command" -s V -l version -d 'Print version'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "setup" -d 'Set up a fresh server: hostname, first domain and mailbox, TLS, services'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "status" -d 'What is configured: counts, data directory, listeners'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "stats" -d 'The running daemon\'s numbers (connections, mail, queue, logins, verdicts) from its metrics endpoint; the queue from the database when the endpoint is off'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "domain" -d 'Manage the domains this server receives mail for'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "user" -d 'Manage mailboxes (users) and their passwords and quotas'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "alias" -d 'Manage aliases, distribution lists and catch-alls'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "config" -d 'Read and change server settings'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "queue" -d 'Inspect and manage the mail queue (list, show, flush, retry, delete, hold, release)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "tls" -d 'The TLS certificate in use and its ACME renewal (status, renew)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "trace" -d 'Why didn\'t a message arrive? Its timeline (queued or in the delivery history) and a diagnosis of what failed, by address, Message-ID or queue id'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "sendmail" -d 'Read a message on stdin and queue it, with sendmail\'s flags (-t, -i, -f, -F ...)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "install-links" -d 'Create `sendmail` and `mailq` links to this binary in DIR (e.g. /usr/sbin)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "serve" -d 'Run the mail daemons (SMTP, submission, IMAP, POP3, outbound queue); `--dev` for a zero-setup local demo'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "ban" -d 'List or lift bans of client addresses that failed to log in too often'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "cluster" -d 'The nodes serving this mail system: heartbeats, listeners, queue claims, last error'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "greylist" -d 'What greylisting on port 25 remembers, and its allow list'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "dnsbl" -d 'What the DNS allow- and blocklists of the inbound checks say about a client address'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "sieve" -d 'Users\' Sieve mail filters: store, activate, check and dry-run scripts'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "vacation" -d 'Away messages without writing Sieve (generates the script `mailctl-vacation`)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "forward" -d 'Forward a user\'s mail without writing Sieve (generates the script `mailctl-forward`)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "test" -d 'Live check of a mail server: connect, greeting, capabilities, TLS and certificate, login'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "maildir" -d 'Inspect, check and repair Maildirs; import and export mbox'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "import" -d 'Migrate in from Dovecot or any IMAP server, keeping UIDs so clients keep their caches'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "dns" -d 'DNS diagnostics: check MX, PTR, SPF, DKIM, DMARC and blocklists; print the records to publish'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "check" -d 'Dry runs of the inbound checks: what the server would decide about a message'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "dkim" -d 'DKIM signing keys: generate, show the record to publish, import'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "backup" -d 'Take a consistent backup of the data directory while the server runs, or check one (--verify)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "restore" -d 'Restore a backup onto a fresh (empty) data directory'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "upgrade" -d 'Before and after an upgrade: what this mailctl would migrate (--check), or go back to the database copy taken before the last migration'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "db" -d 'The core database\'s engine: move a SQLite server to PostgreSQL (`db migrate --to`)'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "autoconfig" -d 'Print the mail client autoconfiguration document (config-v1.1.xml) for a domain'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "completions" -d 'Print shell completions for mailctl'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "man" -d 'Write man pages for mailctl, every subcommand and the settings into DIR'
complete -c mailctl -n "__fish_mailctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l hostname -d 'The mail server\'s own name (MX target, EHLO, certificate), e.g. mail.example.org' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l domain -d 'The first domain to receive mail for, e.g. example.org' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l admin -d 'The first mailbox; postmaster@ and abuse@ of the domain are aliased to it' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l password-hash -d 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l tls -d '`self-signed` (made now), `acme` (ordered from Let\'s Encrypt by `serve`, HTTP-01 on port 80; self-signed until then), or `CERT,KEY` paths of PEM files (e.g. certbot\'s)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l acme-email -d 'With `--tls acme`: the contact address the CA sends expiry warnings to' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l services -d 'Services to enable, comma-separated (default: all): smtp, submission, submissions, imap, imaps, pop3, pop3s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l relay-host -d 'Send outbound mail through this host (HOST or HOST:PORT), for ISPs that block port 25' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l public-ip -d 'The server\'s public address(es); default: the public addresses of the interfaces' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l service-user -d 'Account the daemons run as after binding ports (created when setup runs as root)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l non-interactive -d 'Take every answer from flags; fail on any missing one. For provisioning scripts'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l random-password -d 'Generate a random password and print it once'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l allow-weak -d 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l reset-password -d 'Change the admin\'s password if the mailbox already exists'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l install-service -d 'Write a systemd unit to /etc/systemd/system/mailctl.service'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l no-dns-check -d 'Do not run `dns check` at the end (offline installs, CI)'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand status" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand status" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand status" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand status" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand status" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand stats" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand stats" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand stats" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand stats" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand stats" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -f -a "add" -d 'Start receiving mail for a domain (internationalized names welcome)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -f -a "remove" -d 'Stop serving a domain. Refuses while it has users or aliases unless --force'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -f -a "list" -d 'List served domains with user and alias counts'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -f -a "show" -d 'Counts and Maildir size of one domain, and its inbound policy'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -f -a "set" -d 'A domain\'s own inbound policy: spam thresholds and what spam and DMARC failures get'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and not __fish_seen_subcommand_from add remove list show set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from add" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from add" -l create -d 'Create the data directory and database if there is none yet (a new server). Without it, a missing data directory is an error, so a typo cannot start a second server'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from remove" -l force -d 'Also remove the domain\'s users and aliases (their Maildirs stay on disk)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l spam-junk-score -d 'rspamd score at or above which mail to this domain goes to Junk; `default` follows inbound.spam_junk_score' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l spam-reject-score -d 'rspamd score at or above which mail to this domain is refused at DATA; `default` follows inbound.spam_reject_score' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l spam-action -d 'The most spam gets: reject (refused at DATA, so the sender bounces it), junk (Junk folder, never refused), tag (X-Spam headers only); `default` follows inbound.spam_action' -r -f -a "reject\t''
junk\t''
tag\t''
default\t''"
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l dmarc-reject -d 'What mail failing DMARC for a sender domain publishing p=reject gets; `default` follows inbound.dmarc_reject' -r -f -a "reject\t''
junk\t''
tag\t''
default\t''"
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l dmarc-quarantine -d 'What mail failing DMARC for a sender domain publishing p=quarantine gets; `default` follows inbound.dmarc_quarantine' -r -f -a "reject\t''
junk\t''
tag\t''
default\t''"
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l clear -d 'Remove every override of this domain first (flags given with it are then set)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from help" -f -a "add" -d 'Start receiving mail for a domain (internationalized names welcome)'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Stop serving a domain. Refuses while it has users or aliases unless --force'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from help" -f -a "list" -d 'List served domains with user and alias counts'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from help" -f -a "show" -d 'Counts and Maildir size of one domain, and its inbound policy'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from help" -f -a "set" -d 'A domain\'s own inbound policy: spam thresholds and what spam and DMARC failures get'
complete -c mailctl -n "__fish_mailctl_using_subcommand domain; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "add" -d 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "remove" -d 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "list" -d 'List mailboxes'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "show" -d 'Details of one mailbox, including its Maildir usage'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "passwd" -d 'Change a mailbox\'s password'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "set" -d 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "test-password" -d 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "import" -d 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and not __fish_seen_subcommand_from add remove list show passwd set test-password import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l password-hash -d 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l quota -d 'Mailbox size limit, e.g. 2G or 500M (default: none)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l reuse-maildir -d 'Give the new user the Maildir that already exists for this address, with all its mail'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l random-password -d 'Generate a random password and print it once'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l allow-weak -d 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from remove" -l keep-mail -d 'Leave the Maildir where it is (a later `user add` must then say --reuse-maildir)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from remove" -l purge -d 'Delete the Maildir with all its mail'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from list" -l domain -d 'Only this domain' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l password-hash -d 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l password-stdin -d 'Read the password from the first line of standard input'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l random-password -d 'Generate a random password and print it once'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l allow-weak -d 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l quota -d 'New quota (e.g. 2G; 0 for none)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l send-limit -d 'Outbound limits for this user when it sends after AUTH: messages per hour, then optionally recipients per day (e.g. 500 or 500/hour,5000/day); 0 is no limit, `default` follows the server\'s submission.max_messages_per_hour and submission.max_recipients_per_day' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l spam-junk-score -d 'rspamd score at or above which this user\'s mail goes to Junk, over the domain\'s and the server\'s (`default` follows them)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l spam-reject-score -d 'rspamd score at or above which mail to this user is refused at DATA (when every recipient of the message refuses it; otherwise it goes to this user\'s Junk)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l disable -d 'Stop the mailbox from logging in and from receiving mail (mail to it is refused with 550 at RCPT); its mail stays'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l enable -d 'Let a disabled mailbox log in and receive mail again'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l admin -d 'Make the user an administrator: it may use the web administration (`/admin`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l no-admin -d 'Make an administrator an ordinary user again'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from test-password" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from test-password" -l password-stdin -d 'Read the password from the first line of standard input (else prompt on a TTY)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from test-password" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from test-password" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from test-password" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from test-password" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from import" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from import" -l skip-bad -d 'Import the good lines and report the bad ones instead of importing nothing'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from import" -l allow-weak -d 'Accept plain passwords that are the address, its local part or a common password'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from import" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from import" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "list" -d 'List mailboxes'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "show" -d 'Details of one mailbox, including its Maildir usage'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "passwd" -d 'Change a mailbox\'s password'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "test-password" -d 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "import" -d 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing'
complete -c mailctl -n "__fish_mailctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -f -a "add" -d 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -f -a "remove" -d 'Remove some destinations of SOURCE, or the whole alias when none are given'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -f -a "list" -d 'List aliases with their destinations'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and not __fish_seen_subcommand_from add remove list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from add" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from add" -l force -d 'Allow an alias that diverts a mailbox\'s mail away from it'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from list" -l domain -d 'Only this domain' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from help" -f -a "add" -d 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove some destinations of SOURCE, or the whole alias when none are given'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from help" -f -a "list" -d 'List aliases with their destinations'
complete -c mailctl -n "__fish_mailctl_using_subcommand alias; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -f -a "list" -d 'Every setting with its value, default, type and meaning'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -f -a "get" -d 'Print one setting\'s value (the default when unset)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -f -a "set" -d 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -f -a "unset" -d 'Remove a stored value so the default applies again (a running daemon reloads)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and not __fish_seen_subcommand_from list get set unset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from get" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from get" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from set" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from set" -l force -d 'Store a mynetworks wider than a /24 (IPv6: /64) or 0.0.0.0/0: an open relay for it'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from set" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from unset" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from unset" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from unset" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every setting with its value, default, type and meaning'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print one setting\'s value (the default when unset)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove a stored value so the default applies again (a running daemon reloads)'
complete -c mailctl -n "__fish_mailctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "list" -d 'Messages in the queue with each recipient\'s state and last error (`mailq`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "show" -d 'One message: envelope, every attempt with the remote\'s replies, and its headers'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "flush" -d 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "retry" -d 'Make these messages due now; a running server retries them within seconds'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "delete" -d 'Remove messages without delivering or bouncing them (`postsuper -d`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "hold" -d 'Keep messages from being attempted until released (`postsuper -h`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "release" -d 'Let held messages be attempted again (`postsuper -H`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and not __fish_seen_subcommand_from list show flush retry delete hold release help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -l deferred -d 'Only messages waiting for a retry after a failed attempt'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -l held -d 'Only messages on hold'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -l quarantined -d 'Only messages whose spool file failed verification (kept in queue/quarantine/)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from flush" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from flush" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from flush" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from flush" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from flush" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from retry" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from retry" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from retry" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from retry" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from delete" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from delete" -l all -d 'Remove every message'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from delete" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from hold" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from hold" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from hold" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from hold" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from hold" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from release" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from release" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from release" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from release" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "list" -d 'Messages in the queue with each recipient\'s state and last error (`mailq`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "show" -d 'One message: envelope, every attempt with the remote\'s replies, and its headers'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "flush" -d 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Make these messages due now; a running server retries them within seconds'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove messages without delivering or bouncing them (`postsuper -d`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "hold" -d 'Keep messages from being attempted until released (`postsuper -h`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "release" -d 'Let held messages be attempted again (`postsuper -H`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -f -a "status" -d 'The certificate in use (issuer, names, serial, expiry) and the last ACME result'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -f -a "renew" -d 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and not __fish_seen_subcommand_from status renew help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from status" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from status" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from renew" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from renew" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from renew" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from renew" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from help" -f -a "status" -d 'The certificate in use (issuer, names, serial, expiry) and the last ACME result'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it'
complete -c mailctl -n "__fish_mailctl_using_subcommand tls; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand trace" -l since -d 'Only messages received within this long (e.g. 2h, 3d); default: all that are kept' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand trace" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand trace" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand trace" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand trace" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand trace" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sendmail" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sendmail" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sendmail" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sendmail" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand install-links" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand install-links" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand install-links" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand install-links" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand install-links" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -l listen -d 'Override a listener: NAME=ADDR:PORT (repeatable; port 0 picks a free port)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -l dev -d 'Zero-setup demo: data in ./mailctl-dev, domain example.test, a demo user, a self-signed certificate, loopback ports (SMTP 2525, submission 2587, IMAP 2143, POP3 2110, ManageSieve 4190, webmail 2443)'
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -l allow-root -d 'Keep running as root when server.user is empty (containers with no other account)'
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -f -a "list" -d 'Addresses banned now, with when the ban ends'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -f -a "remove" -d 'Lift the ban on an address and forget its failed logins'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and not __fish_seen_subcommand_from list remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from help" -f -a "list" -d 'Addresses banned now, with when the ban ends'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Lift the ban on an address and forget its failed logins'
complete -c mailctl -n "__fish_mailctl_using_subcommand ban; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and __fish_seen_subcommand_from status" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and __fish_seen_subcommand_from status" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "status" -d 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error'
complete -c mailctl -n "__fish_mailctl_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -f -a "list" -d 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -f -a "allow" -d 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -f -a "remove" -d 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and not __fish_seen_subcommand_from list allow remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from list" -l limit -d 'Show at most this many triplets, most recently seen first' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from allow" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from allow" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from allow" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from allow" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from help" -f -a "list" -d 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from help" -f -a "allow" -d 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)'
complete -c mailctl -n "__fish_mailctl_using_subcommand greylist; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and not __fish_seen_subcommand_from test help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and not __fish_seen_subcommand_from test help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and not __fish_seen_subcommand_from test help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and not __fish_seen_subcommand_from test help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and not __fish_seen_subcommand_from test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and not __fish_seen_subcommand_from test help" -f -a "test" -d 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and not __fish_seen_subcommand_from test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from test" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from test" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from test" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from help" -f -a "test" -d 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked'
complete -c mailctl -n "__fish_mailctl_using_subcommand dnsbl; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "list" -d 'A user\'s scripts, which one is active, sizes and when changed'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "get" -d 'Print a stored script'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "put" -d 'Store a script from a file (or - for stdin) after checking it compiles'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "activate" -d 'Make a script the one delivery runs'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "deactivate" -d 'Run no script of this user at delivery'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "delete" -d 'Delete a script (not the active one)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "check" -d 'Check that a script file compiles; errors say line:column'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "test" -d 'Dry run: what the scripts would do with a message, without delivering it'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and not __fish_seen_subcommand_from list get put activate deactivate delete check test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from get" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from get" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from put" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from put" -l activate -d 'Make it the active script too'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from put" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from put" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from put" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from put" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from activate" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from activate" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from activate" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from activate" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from activate" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from deactivate" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from deactivate" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from deactivate" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from deactivate" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from deactivate" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from delete" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from delete" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from check" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -l message -d 'The message (RFC 5322 file), or - for stdin' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -l from -d 'Envelope sender (MAIL FROM); empty for the null sender' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -l to -d 'Envelope recipient (RCPT TO). Default: ADDRESS' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "list" -d 'A user\'s scripts, which one is active, sizes and when changed'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print a stored script'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "put" -d 'Store a script from a file (or - for stdin) after checking it compiles'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "activate" -d 'Make a script the one delivery runs'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "deactivate" -d 'Run no script of this user at delivery'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a script (not the active one)'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check that a script file compiles; errors say line:column'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "test" -d 'Dry run: what the scripts would do with a message, without delivering it'
complete -c mailctl -n "__fish_mailctl_using_subcommand sieve; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -f -a "set" -d 'Answer mail to ADDRESS with an away message (once per sender per --days)'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -f -a "off" -d 'Stop answering: remove the generated vacation script'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and not __fish_seen_subcommand_from set off help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -l subject -d 'The reply\'s subject (default: "Auto: " and the original subject)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -l body-file -d 'The reply\'s text, UTF-8 (or - for stdin)' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -l from -d 'First day to answer, YYYY-MM-DD (server time zone)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -l until -d 'Last day to answer, YYYY-MM-DD' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -l days -d 'Days between two replies to the same sender (RFC 5230 default 7, at least 1)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from off" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from off" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from off" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from off" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from off" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from help" -f -a "set" -d 'Answer mail to ADDRESS with an away message (once per sender per --days)'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from help" -f -a "off" -d 'Stop answering: remove the generated vacation script'
complete -c mailctl -n "__fish_mailctl_using_subcommand vacation; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -f -a "set" -d 'Forward ADDRESS\'s mail to DEST... (with --keep, a copy stays in the mailbox)'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -f -a "off" -d 'Stop forwarding: remove the generated forward script'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and not __fish_seen_subcommand_from set off help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from set" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from set" -l keep -d 'Keep a copy in the user\'s mailbox too'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from set" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from off" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from off" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from off" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from off" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from off" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from help" -f -a "set" -d 'Forward ADDRESS\'s mail to DEST... (with --keep, a copy stays in the mailbox)'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from help" -f -a "off" -d 'Stop forwarding: remove the generated forward script'
complete -c mailctl -n "__fish_mailctl_using_subcommand forward; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l user -d 'Log in as this user (AUTH PLAIN). Needs --password-stdin: the password is never an argument (other users could read it in the process list)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l timeout -d 'Seconds to wait for each step (delivery: for the message to leave the queue)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l from -d 'delivery: the envelope sender (default postmaster@ the first domain)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l starttls -d 'Upgrade with STARTTLS (STLS for POP3) after the greeting'
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l tls -d 'Implicit TLS from the first byte (ports 465, 993, 995)'
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l password-stdin -d 'Read --user\'s password from the first line of standard input (e.g. `echo "$PW" | mailctl test smtp HOST --user U --password-stdin`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "walk" -d 'The folder tree with message counts, unread, flagged, deleted, sizes and dates'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "ls" -d 'The messages of a folder: date, from, subject, flags, size, file'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "show" -d 'One message: the headers that matter, its MIME tree, and its text'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "reindex" -d 'Rebuild the account\'s UID index from its Maildir, keeping the UIDs of existing messages'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "check" -d 'Find what is wrong; with --repair, fix what is safe (never deletes anything)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "import-mbox" -d 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "export-mbox" -d 'Export a mailbox folder to an mbox file (- for stdout)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and not __fish_seen_subcommand_from walk ls show reindex check import-mbox export-mbox help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from walk" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from walk" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from walk" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from walk" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from walk" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l folder -d 'Folder (INBOX, Sent, Archive/2024)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l since -d 'Only messages from this day on (YYYY-MM-DD)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l from -d 'Only messages whose From contains this text' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l subject -d 'Only messages whose Subject contains this text' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l limit -d 'At most this many messages' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l sort -d 'Order of the list' -r -f -a "date\t''
size\t''
from\t''"
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l unread -d 'Only messages not yet seen'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from show" -l part -d 'Write MIME part N (as numbered in the tree) to stdout, decoded' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from show" -l raw -d 'Print the file as it is'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from reindex" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from reindex" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from reindex" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from reindex" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from reindex" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from check" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from check" -l repair -d 'Fix what is safe: recreate missing directories, normalise names and flags, narrow permissions, sync the index; move links, stale tmp files and files that are not messages (dot files, empty files, no header) to lost+found/ in the Maildir root, where clients do not see them'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from import-mbox" -l folder -d 'Folder to import into (INBOX, Archive/2024); created if missing' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from import-mbox" -l format -d 'mbox variant: auto, mboxrd or mboxo (see above)' -r -f -a "auto\t'Decide from the file: with no `>From ` line both variants read the same; with one, refuse to guess'
mboxrd\t'`>+From ` lines lose one `>` (what `mailctl maildir export-mbox` writes)'
mboxo\t'`>From ` lines are kept (Python\'s mailbox module, older mail programs)'"
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from import-mbox" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from import-mbox" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from import-mbox" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from import-mbox" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from import-mbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from export-mbox" -l format -d 'mbox variant: mboxrd (default; round-trips exactly) or mboxo (quotes only "From " lines; auto is mboxrd)' -r -f -a "auto\t'Decide from the file: with no `>From ` line both variants read the same; with one, refuse to guess'
mboxrd\t'`>+From ` lines lose one `>` (what `mailctl maildir export-mbox` writes)'
mboxo\t'`>From ` lines are kept (Python\'s mailbox module, older mail programs)'"
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from export-mbox" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from export-mbox" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from export-mbox" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from export-mbox" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from export-mbox" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "walk" -d 'The folder tree with message counts, unread, flagged, deleted, sizes and dates'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "ls" -d 'The messages of a folder: date, from, subject, flags, size, file'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "show" -d 'One message: the headers that matter, its MIME tree, and its text'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "reindex" -d 'Rebuild the account\'s UID index from its Maildir, keeping the UIDs of existing messages'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "check" -d 'Find what is wrong; with --repair, fix what is safe (never deletes anything)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "import-mbox" -d 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "export-mbox" -d 'Export a mailbox folder to an mbox file (- for stdout)'
complete -c mailctl -n "__fish_mailctl_using_subcommand maildir; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -f -a "dovecot" -d 'Import Dovecot\'s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -f -a "imap" -d 'Copy every folder of an account from any IMAP server, keeping the source\'s UIDVALIDITY and UIDs where the folder is new here; resumable'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and not __fish_seen_subcommand_from dovecot imap help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l domain -d 'The domain the users belong to (served here: `mailctl domain add`)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l passwd-file -d 'Dovecot\'s passwd-file: its users are created here with their password hashes' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l user -d 'Only this user (local part or address)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l layout -d 'Where an account\'s Maildir is under ROOT, as Dovecot\'s mail_location says it: %n the local part, %d the domain, %u the address' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l reset-passwords -d 'Give users whose hash this server cannot verify (MD5-CRYPT, SSHA, none) a new random password, printed in the summary, instead of refusing to import'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l copy -d 'Copy the message files even when a hard link would do (a hard link shares the file, and its owner, with Dovecot\'s store)'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from dovecot" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -l to -d 'The mailbox here to copy into (default: USER, when it is an address of this server)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -l all-users-from -d 'Many accounts: a CSV file of source_user,password[,to_address] lines (a header line starting with "user" and lines starting with # are skipped)' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -l password-stdin -d 'Read the source password from the first line of stdin'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -l insecure-tls -d 'Accept any TLS certificate from the source (a test server\'s self-signed one)'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from imap" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "dovecot" -d 'Import Dovecot\'s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "imap" -d 'Copy every folder of an account from any IMAP server, keeping the source\'s UIDVALIDITY and UIDs where the folder is new here; resumable'
complete -c mailctl -n "__fish_mailctl_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "check" -d 'Check every record the domain\'s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "mx" -d 'MX records of DOMAIN and the addresses they lead to'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "ptr" -d 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "spf" -d 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "dmarc" -d 'The DMARC record of DOMAIN, checked'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "dkim" -d 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "bl" -d 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list\'s documented return codes are read; an error answer or a failed lookup is "error", exit 1'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "records" -d 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and not __fish_seen_subcommand_from check mx ptr spf dmarc dkim bl records help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -l ip -d 'This server\'s public address(es); default: the public_ip setting' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -l selector -d 'DKIM selector(s) to check; default: the keys mailctl holds for the domain' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from mx" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from mx" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from mx" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from mx" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from mx" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from mx" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from ptr" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from ptr" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from ptr" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from ptr" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from ptr" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from ptr" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -l ip -d 'Evaluate the record for this sending address (repeatable)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -l sender -d 'Envelope sender to evaluate (default postmaster@DOMAIN)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from spf" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dmarc" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dmarc" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dmarc" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dmarc" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dmarc" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dmarc" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dkim" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dkim" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dkim" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dkim" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dkim" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from dkim" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from bl" -l zone -d 'Blocklist zone(s) to ask instead of the setting' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from bl" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from bl" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from bl" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from bl" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from bl" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from bl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from records" -l ip -d 'The server\'s public address(es); default: the public_ip setting' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from records" -l backup-mx -d 'A backup MX host for the domain (repeatable): an MX line behind this server\'s for each' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from records" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from records" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from records" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from records" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from records" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check every record the domain\'s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "mx" -d 'MX records of DOMAIN and the addresses they lead to'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "ptr" -d 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "spf" -d 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "dmarc" -d 'The DMARC record of DOMAIN, checked'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "dkim" -d 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "bl" -d 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list\'s documented return codes are read; an error answer or a failed lookup is "error", exit 1'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "records" -d 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for'
complete -c mailctl -n "__fish_mailctl_using_subcommand dns; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and not __fish_seen_subcommand_from message help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and not __fish_seen_subcommand_from message help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and not __fish_seen_subcommand_from message help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and not __fish_seen_subcommand_from message help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and not __fish_seen_subcommand_from message help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and not __fish_seen_subcommand_from message help" -f -a "message" -d 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage\'s verdict and the decision. Exit 1 unless accepted'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and not __fish_seen_subcommand_from message help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l ip -d 'The connecting client\'s address' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l helo -d 'The name the client gave in EHLO/HELO' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l from -d 'The MAIL FROM address; an empty string or `<>` is the null sender' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l to -d 'Recipient(s) of the transaction' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l nameserver -d 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system\'s' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l pct-sample -d 'The DMARC pct draw (0-99) instead of a random one, to reproduce a decision' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from message" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from help" -f -a "message" -d 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage\'s verdict and the decision. Exit 1 unless accepted'
complete -c mailctl -n "__fish_mailctl_using_subcommand check; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -f -a "generate" -d 'Make a signing key for DOMAIN and print the TXT record to publish'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -f -a "show" -d 'Print the TXT records for the keys held for DOMAIN'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -f -a "import" -d 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and not __fish_seen_subcommand_from generate show import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -l selector -d 'Selector (default: the dkim.selector setting, "mail")' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -l algorithm -d 'ed25519 (small, modern) or rsa (2048 bits, verified everywhere; needs openssl)' -r -f -a "ed25519\t''
rsa\t''"
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -l force -d 'Replace an existing key with the same selector'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from import" -l selector -d 'Selector (default: the dkim.selector setting, "mail")' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from import" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from import" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from import" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Make a signing key for DOMAIN and print the TXT record to publish'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the TXT records for the keys held for DOMAIN'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from help" -f -a "import" -d 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)'
complete -c mailctl -n "__fish_mailctl_using_subcommand dkim; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -l incremental-from -d 'Copy only messages that are not in this earlier backup (directory or .tar.zst); the new backup needs it to be restored' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -l format -d 'dir or tar.zst; default: tar.zst when DEST ends in .tar.zst, else dir' -r -f -a "dir\t'A directory (message files hard-linked when on the same file system)'
tar.zst\t'One zstd-compressed tar file'"
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -l verify -d 'Check every file of the backup DEST against its manifest instead of taking one'
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand restore" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand restore" -l force -d 'Restore even though the data directory is not empty: what is there is moved aside to DIR.replaced-<time> first (never deleted). A running daemon still refuses'
complete -c mailctl -n "__fish_mailctl_using_subcommand restore" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand restore" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand restore" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand upgrade" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand upgrade" -l check -d 'Say what this mailctl would migrate, changing nothing; exit 1 if it cannot open the database (its schema is newer)'
complete -c mailctl -n "__fish_mailctl_using_subcommand upgrade" -l restore-snapshot -d 'Put back the newest `backups/pre-upgrade-vN.db` as the core database (the current one is kept in backups/). For going back to an older mailctl after an upgrade'
complete -c mailctl -n "__fish_mailctl_using_subcommand upgrade" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand upgrade" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand upgrade" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand upgrade" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and not __fish_seen_subcommand_from migrate help" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and not __fish_seen_subcommand_from migrate help" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and not __fish_seen_subcommand_from migrate help" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and not __fish_seen_subcommand_from migrate help" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and not __fish_seen_subcommand_from migrate help" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and not __fish_seen_subcommand_from migrate help" -f -a "migrate" -d 'Move this server\'s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and not __fish_seen_subcommand_from migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l to -d 'The empty PostgreSQL database, e.g. `postgres://mailctl@db.example.org/mail?sslmode=verify-full&sslrootcert=/etc/ssl/pg-ca.pem`; `-` reads it from stdin (a password in an argument is visible to `ps`)' -r
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Move this server\'s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it'
complete -c mailctl -n "__fish_mailctl_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand autoconfig" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand autoconfig" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand autoconfig" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand autoconfig" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand autoconfig" -s h -l help -d 'Print help'
complete -c mailctl -n "__fish_mailctl_using_subcommand completions" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand completions" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand completions" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand completions" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand man" -l data-dir -d 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl' -r -F
complete -c mailctl -n "__fish_mailctl_using_subcommand man" -l json -d 'Machine-readable output: one JSON document on stdout'
complete -c mailctl -n "__fish_mailctl_using_subcommand man" -s q -l quiet -d 'Print only errors and requested data'
complete -c mailctl -n "__fish_mailctl_using_subcommand man" -s v -l verbose -d 'More detail (repeat for more)'
complete -c mailctl -n "__fish_mailctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "setup" -d 'Set up a fresh server: hostname, first domain and mailbox, TLS, services'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "status" -d 'What is configured: counts, data directory, listeners'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "stats" -d 'The running daemon\'s numbers (connections, mail, queue, logins, verdicts) from its metrics endpoint; the queue from the database when the endpoint is off'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "domain" -d 'Manage the domains this server receives mail for'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "user" -d 'Manage mailboxes (users) and their passwords and quotas'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "alias" -d 'Manage aliases, distribution lists and catch-alls'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "config" -d 'Read and change server settings'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "queue" -d 'Inspect and manage the mail queue (list, show, flush, retry, delete, hold, release)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "tls" -d 'The TLS certificate in use and its ACME renewal (status, renew)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "trace" -d 'Why didn\'t a message arrive? Its timeline (queued or in the delivery history) and a diagnosis of what failed, by address, Message-ID or queue id'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "sendmail" -d 'Read a message on stdin and queue it, with sendmail\'s flags (-t, -i, -f, -F ...)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "install-links" -d 'Create `sendmail` and `mailq` links to this binary in DIR (e.g. /usr/sbin)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "serve" -d 'Run the mail daemons (SMTP, submission, IMAP, POP3, outbound queue); `--dev` for a zero-setup local demo'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "ban" -d 'List or lift bans of client addresses that failed to log in too often'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "cluster" -d 'The nodes serving this mail system: heartbeats, listeners, queue claims, last error'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "greylist" -d 'What greylisting on port 25 remembers, and its allow list'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "dnsbl" -d 'What the DNS allow- and blocklists of the inbound checks say about a client address'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "sieve" -d 'Users\' Sieve mail filters: store, activate, check and dry-run scripts'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "vacation" -d 'Away messages without writing Sieve (generates the script `mailctl-vacation`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "forward" -d 'Forward a user\'s mail without writing Sieve (generates the script `mailctl-forward`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "test" -d 'Live check of a mail server: connect, greeting, capabilities, TLS and certificate, login'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "maildir" -d 'Inspect, check and repair Maildirs; import and export mbox'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "import" -d 'Migrate in from Dovecot or any IMAP server, keeping UIDs so clients keep their caches'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "dns" -d 'DNS diagnostics: check MX, PTR, SPF, DKIM, DMARC and blocklists; print the records to publish'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "check" -d 'Dry runs of the inbound checks: what the server would decide about a message'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "dkim" -d 'DKIM signing keys: generate, show the record to publish, import'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "backup" -d 'Take a consistent backup of the data directory while the server runs, or check one (--verify)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "restore" -d 'Restore a backup onto a fresh (empty) data directory'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "upgrade" -d 'Before and after an upgrade: what this mailctl would migrate (--check), or go back to the database copy taken before the last migration'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "db" -d 'The core database\'s engine: move a SQLite server to PostgreSQL (`db migrate --to`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "autoconfig" -d 'Print the mail client autoconfiguration document (config-v1.1.xml) for a domain'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "completions" -d 'Print shell completions for mailctl'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "man" -d 'Write man pages for mailctl, every subcommand and the settings into DIR'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and not __fish_seen_subcommand_from setup status stats domain user alias config queue tls trace sendmail install-links serve ban cluster greylist dnsbl sieve vacation forward test maildir import dns check dkim backup restore upgrade db autoconfig completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from domain" -f -a "add" -d 'Start receiving mail for a domain (internationalized names welcome)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from domain" -f -a "remove" -d 'Stop serving a domain. Refuses while it has users or aliases unless --force'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from domain" -f -a "list" -d 'List served domains with user and alias counts'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from domain" -f -a "show" -d 'Counts and Maildir size of one domain, and its inbound policy'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from domain" -f -a "set" -d 'A domain\'s own inbound policy: spam thresholds and what spam and DMARC failures get'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "add" -d 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "remove" -d 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "list" -d 'List mailboxes'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "show" -d 'Details of one mailbox, including its Maildir usage'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "passwd" -d 'Change a mailbox\'s password'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "set" -d 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "test-password" -d 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "import" -d 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from alias" -f -a "add" -d 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from alias" -f -a "remove" -d 'Remove some destinations of SOURCE, or the whole alias when none are given'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from alias" -f -a "list" -d 'List aliases with their destinations'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'Every setting with its value, default, type and meaning'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print one setting\'s value (the default when unset)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "unset" -d 'Remove a stored value so the default applies again (a running daemon reloads)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "list" -d 'Messages in the queue with each recipient\'s state and last error (`mailq`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "show" -d 'One message: envelope, every attempt with the remote\'s replies, and its headers'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "flush" -d 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "retry" -d 'Make these messages due now; a running server retries them within seconds'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "delete" -d 'Remove messages without delivering or bouncing them (`postsuper -d`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "hold" -d 'Keep messages from being attempted until released (`postsuper -h`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "release" -d 'Let held messages be attempted again (`postsuper -H`)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from tls" -f -a "status" -d 'The certificate in use (issuer, names, serial, expiry) and the last ACME result'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from tls" -f -a "renew" -d 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from ban" -f -a "list" -d 'Addresses banned now, with when the ban ends'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from ban" -f -a "remove" -d 'Lift the ban on an address and forget its failed logins'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "status" -d 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from greylist" -f -a "list" -d 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from greylist" -f -a "allow" -d 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from greylist" -f -a "remove" -d 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dnsbl" -f -a "test" -d 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "list" -d 'A user\'s scripts, which one is active, sizes and when changed'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "get" -d 'Print a stored script'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "put" -d 'Store a script from a file (or - for stdin) after checking it compiles'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "activate" -d 'Make a script the one delivery runs'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "deactivate" -d 'Run no script of this user at delivery'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "delete" -d 'Delete a script (not the active one)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "check" -d 'Check that a script file compiles; errors say line:column'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from sieve" -f -a "test" -d 'Dry run: what the scripts would do with a message, without delivering it'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from vacation" -f -a "set" -d 'Answer mail to ADDRESS with an away message (once per sender per --days)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from vacation" -f -a "off" -d 'Stop answering: remove the generated vacation script'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from forward" -f -a "set" -d 'Forward ADDRESS\'s mail to DEST... (with --keep, a copy stays in the mailbox)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from forward" -f -a "off" -d 'Stop forwarding: remove the generated forward script'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from maildir" -f -a "walk" -d 'The folder tree with message counts, unread, flagged, deleted, sizes and dates'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from maildir" -f -a "ls" -d 'The messages of a folder: date, from, subject, flags, size, file'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from maildir" -f -a "show" -d 'One message: the headers that matter, its MIME tree, and its text'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from maildir" -f -a "reindex" -d 'Rebuild the account\'s UID index from its Maildir, keeping the UIDs of existing messages'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from maildir" -f -a "check" -d 'Find what is wrong; with --repair, fix what is safe (never deletes anything)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from maildir" -f -a "import-mbox" -d 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from maildir" -f -a "export-mbox" -d 'Export a mailbox folder to an mbox file (- for stdout)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "dovecot" -d 'Import Dovecot\'s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "imap" -d 'Copy every folder of an account from any IMAP server, keeping the source\'s UIDVALIDITY and UIDs where the folder is new here; resumable'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "check" -d 'Check every record the domain\'s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "mx" -d 'MX records of DOMAIN and the addresses they lead to'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "ptr" -d 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "spf" -d 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "dmarc" -d 'The DMARC record of DOMAIN, checked'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "dkim" -d 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "bl" -d 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list\'s documented return codes are read; an error answer or a failed lookup is "error", exit 1'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dns" -f -a "records" -d 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from check" -f -a "message" -d 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage\'s verdict and the decision. Exit 1 unless accepted'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dkim" -f -a "generate" -d 'Make a signing key for DOMAIN and print the TXT record to publish'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dkim" -f -a "show" -d 'Print the TXT records for the keys held for DOMAIN'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from dkim" -f -a "import" -d 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)'
complete -c mailctl -n "__fish_mailctl_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Move this server\'s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it'
