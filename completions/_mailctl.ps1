
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mailctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mailctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mailctl' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set up a fresh server: hostname, first domain and mailbox, TLS, services')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What is configured: counts, data directory, listeners')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'The running daemon''s numbers (connections, mail, queue, logins, verdicts) from its metrics endpoint; the queue from the database when the endpoint is off')
            [CompletionResult]::new('domain', 'domain', [CompletionResultType]::ParameterValue, 'Manage the domains this server receives mail for')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage mailboxes (users) and their passwords and quotas')
            [CompletionResult]::new('alias', 'alias', [CompletionResultType]::ParameterValue, 'Manage aliases, distribution lists and catch-alls')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read and change server settings')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Inspect and manage the mail queue (list, show, flush, retry, delete, hold, release)')
            [CompletionResult]::new('tls', 'tls', [CompletionResultType]::ParameterValue, 'The TLS certificate in use and its ACME renewal (status, renew)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Why didn''t a message arrive? Its timeline (queued or in the delivery history) and a diagnosis of what failed, by address, Message-ID or queue id')
            [CompletionResult]::new('sendmail', 'sendmail', [CompletionResultType]::ParameterValue, 'Read a message on stdin and queue it, with sendmail''s flags (-t, -i, -f, -F ...)')
            [CompletionResult]::new('install-links', 'install-links', [CompletionResultType]::ParameterValue, 'Create `sendmail` and `mailq` links to this binary in DIR (e.g. /usr/sbin)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the mail daemons (SMTP, submission, IMAP, POP3, outbound queue); `--dev` for a zero-setup local demo')
            [CompletionResult]::new('ban', 'ban', [CompletionResultType]::ParameterValue, 'List or lift bans of client addresses that failed to log in too often')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'The nodes serving this mail system: heartbeats, listeners, queue claims, last error')
            [CompletionResult]::new('greylist', 'greylist', [CompletionResultType]::ParameterValue, 'What greylisting on port 25 remembers, and its allow list')
            [CompletionResult]::new('dnsbl', 'dnsbl', [CompletionResultType]::ParameterValue, 'What the DNS allow- and blocklists of the inbound checks say about a client address')
            [CompletionResult]::new('sieve', 'sieve', [CompletionResultType]::ParameterValue, 'Users'' Sieve mail filters: store, activate, check and dry-run scripts')
            [CompletionResult]::new('vacation', 'vacation', [CompletionResultType]::ParameterValue, 'Away messages without writing Sieve (generates the script `mailctl-vacation`)')
            [CompletionResult]::new('forward', 'forward', [CompletionResultType]::ParameterValue, 'Forward a user''s mail without writing Sieve (generates the script `mailctl-forward`)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Live check of a mail server: connect, greeting, capabilities, TLS and certificate, login')
            [CompletionResult]::new('maildir', 'maildir', [CompletionResultType]::ParameterValue, 'Inspect, check and repair Maildirs; import and export mbox')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Migrate in from Dovecot or any IMAP server, keeping UIDs so clients keep their caches')
            [CompletionResult]::new('dns', 'dns', [CompletionResultType]::ParameterValue, 'DNS diagnostics: check MX, PTR, SPF, DKIM, DMARC and blocklists; print the records to publish')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Dry runs of the inbound checks: what the server would decide about a message')
            [CompletionResult]::new('dkim', 'dkim', [CompletionResultType]::ParameterValue, 'DKIM signing keys: generate, show the record to publish, import')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a consistent backup of the data directory while the server runs, or check one (--verify)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup onto a fresh (empty) data directory')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Before and after an upgrade: what this mailctl would migrate (--check), or go back to the database copy taken before the last migration')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'The core database''s engine: move a SQLite server to PostgreSQL (`db migrate --to`)')
            [CompletionResult]::new('autoconfig', 'autoconfig', [CompletionResultType]::ParameterValue, 'Print the mail client autoconfiguration document (config-v1.1.xml) for a domain')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for mailctl')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages for mailctl, every subcommand and the settings into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;setup' {
            [CompletionResult]::new('--hostname', '--hostname', [CompletionResultType]::ParameterName, 'The mail server''s own name (MX target, EHLO, certificate), e.g. mail.example.org')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The first domain to receive mail for, e.g. example.org')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The first mailbox; postmaster@ and abuse@ of the domain are aliased to it')
            [CompletionResult]::new('--password-hash', '--password-hash', [CompletionResultType]::ParameterName, 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, '`self-signed` (made now), `acme` (ordered from Let''s Encrypt by `serve`, HTTP-01 on port 80; self-signed until then), or `CERT,KEY` paths of PEM files (e.g. certbot''s)')
            [CompletionResult]::new('--acme-email', '--acme-email', [CompletionResultType]::ParameterName, 'With `--tls acme`: the contact address the CA sends expiry warnings to')
            [CompletionResult]::new('--services', '--services', [CompletionResultType]::ParameterName, 'Services to enable, comma-separated (default: all): smtp, submission, submissions, imap, imaps, pop3, pop3s')
            [CompletionResult]::new('--relay-host', '--relay-host', [CompletionResultType]::ParameterName, 'Send outbound mail through this host (HOST or HOST:PORT), for ISPs that block port 25')
            [CompletionResult]::new('--public-ip', '--public-ip', [CompletionResultType]::ParameterName, 'The server''s public address(es); default: the public addresses of the interfaces')
            [CompletionResult]::new('--service-user', '--service-user', [CompletionResultType]::ParameterName, 'Account the daemons run as after binding ports (created when setup runs as root)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Take every answer from flags; fail on any missing one. For provisioning scripts')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--random-password', '--random-password', [CompletionResultType]::ParameterName, 'Generate a random password and print it once')
            [CompletionResult]::new('--allow-weak', '--allow-weak', [CompletionResultType]::ParameterName, 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)')
            [CompletionResult]::new('--reset-password', '--reset-password', [CompletionResultType]::ParameterName, 'Change the admin''s password if the mailbox already exists')
            [CompletionResult]::new('--install-service', '--install-service', [CompletionResultType]::ParameterName, 'Write a systemd unit to /etc/systemd/system/mailctl.service')
            [CompletionResult]::new('--no-dns-check', '--no-dns-check', [CompletionResultType]::ParameterName, 'Do not run `dns check` at the end (offline installs, CI)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;status' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;stats' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;domain' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Start receiving mail for a domain (internationalized names welcome)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Stop serving a domain. Refuses while it has users or aliases unless --force')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List served domains with user and alias counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Counts and Maildir size of one domain, and its inbound policy')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'A domain''s own inbound policy: spam thresholds and what spam and DMARC failures get')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;domain;add' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the data directory and database if there is none yet (a new server). Without it, a missing data directory is an error, so a typo cannot start a second server')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;domain;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also remove the domain''s users and aliases (their Maildirs stay on disk)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;domain;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;domain;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;domain;set' {
            [CompletionResult]::new('--spam-junk-score', '--spam-junk-score', [CompletionResultType]::ParameterName, 'rspamd score at or above which mail to this domain goes to Junk; `default` follows inbound.spam_junk_score')
            [CompletionResult]::new('--spam-reject-score', '--spam-reject-score', [CompletionResultType]::ParameterName, 'rspamd score at or above which mail to this domain is refused at DATA; `default` follows inbound.spam_reject_score')
            [CompletionResult]::new('--spam-action', '--spam-action', [CompletionResultType]::ParameterName, 'The most spam gets: reject (refused at DATA, so the sender bounces it), junk (Junk folder, never refused), tag (X-Spam headers only); `default` follows inbound.spam_action')
            [CompletionResult]::new('--dmarc-reject', '--dmarc-reject', [CompletionResultType]::ParameterName, 'What mail failing DMARC for a sender domain publishing p=reject gets; `default` follows inbound.dmarc_reject')
            [CompletionResult]::new('--dmarc-quarantine', '--dmarc-quarantine', [CompletionResultType]::ParameterName, 'What mail failing DMARC for a sender domain publishing p=quarantine gets; `default` follows inbound.dmarc_quarantine')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--clear', '--clear', [CompletionResultType]::ParameterName, 'Remove every override of this domain first (flags given with it are then set)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;domain;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Start receiving mail for a domain (internationalized names welcome)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Stop serving a domain. Refuses while it has users or aliases unless --force')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List served domains with user and alias counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Counts and Maildir size of one domain, and its inbound policy')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'A domain''s own inbound policy: spam thresholds and what spam and DMARC failures get')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;domain;help;add' {
            break
        }
        'mailctl;domain;help;remove' {
            break
        }
        'mailctl;domain;help;list' {
            break
        }
        'mailctl;domain;help;show' {
            break
        }
        'mailctl;domain;help;set' {
            break
        }
        'mailctl;domain;help;help' {
            break
        }
        'mailctl;user' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List mailboxes')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Details of one mailbox, including its Maildir usage')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change a mailbox''s password')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)')
            [CompletionResult]::new('test-password', 'test-password', [CompletionResultType]::ParameterValue, 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;user;add' {
            [CompletionResult]::new('--password-hash', '--password-hash', [CompletionResultType]::ParameterName, 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)')
            [CompletionResult]::new('--quota', '--quota', [CompletionResultType]::ParameterName, 'Mailbox size limit, e.g. 2G or 500M (default: none)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--reuse-maildir', '--reuse-maildir', [CompletionResultType]::ParameterName, 'Give the new user the Maildir that already exists for this address, with all its mail')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--random-password', '--random-password', [CompletionResultType]::ParameterName, 'Generate a random password and print it once')
            [CompletionResult]::new('--allow-weak', '--allow-weak', [CompletionResultType]::ParameterName, 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;user;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--keep-mail', '--keep-mail', [CompletionResultType]::ParameterName, 'Leave the Maildir where it is (a later `user add` must then say --reuse-maildir)')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'Delete the Maildir with all its mail')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;user;list' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Only this domain')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;user;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;user;passwd' {
            [CompletionResult]::new('--password-hash', '--password-hash', [CompletionResultType]::ParameterName, 'Store this existing hash as it is ({SHA512-CRYPT}$6$…, $2y$…, $argon2id$…)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input')
            [CompletionResult]::new('--random-password', '--random-password', [CompletionResultType]::ParameterName, 'Generate a random password and print it once')
            [CompletionResult]::new('--allow-weak', '--allow-weak', [CompletionResultType]::ParameterName, 'Accept a password that is the address, its local part or one of the commonest passwords (for scripts that must set a given password)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;user;set' {
            [CompletionResult]::new('--quota', '--quota', [CompletionResultType]::ParameterName, 'New quota (e.g. 2G; 0 for none)')
            [CompletionResult]::new('--send-limit', '--send-limit', [CompletionResultType]::ParameterName, 'Outbound limits for this user when it sends after AUTH: messages per hour, then optionally recipients per day (e.g. 500 or 500/hour,5000/day); 0 is no limit, `default` follows the server''s submission.max_messages_per_hour and submission.max_recipients_per_day')
            [CompletionResult]::new('--spam-junk-score', '--spam-junk-score', [CompletionResultType]::ParameterName, 'rspamd score at or above which this user''s mail goes to Junk, over the domain''s and the server''s (`default` follows them)')
            [CompletionResult]::new('--spam-reject-score', '--spam-reject-score', [CompletionResultType]::ParameterName, 'rspamd score at or above which mail to this user is refused at DATA (when every recipient of the message refuses it; otherwise it goes to this user''s Junk)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--disable', '--disable', [CompletionResultType]::ParameterName, 'Stop the mailbox from logging in and from receiving mail (mail to it is refused with 550 at RCPT); its mail stays')
            [CompletionResult]::new('--enable', '--enable', [CompletionResultType]::ParameterName, 'Let a disabled mailbox log in and receive mail again')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'Make the user an administrator: it may use the web administration (`/admin`)')
            [CompletionResult]::new('--no-admin', '--no-admin', [CompletionResultType]::ParameterName, 'Make an administrator an ordinary user again')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;user;test-password' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input (else prompt on a TTY)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;user;import' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--skip-bad', '--skip-bad', [CompletionResultType]::ParameterName, 'Import the good lines and report the bad ones instead of importing nothing')
            [CompletionResult]::new('--allow-weak', '--allow-weak', [CompletionResultType]::ParameterName, 'Accept plain passwords that are the address, its local part or a common password')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;user;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List mailboxes')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Details of one mailbox, including its Maildir usage')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change a mailbox''s password')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)')
            [CompletionResult]::new('test-password', 'test-password', [CompletionResultType]::ParameterValue, 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;user;help;add' {
            break
        }
        'mailctl;user;help;remove' {
            break
        }
        'mailctl;user;help;list' {
            break
        }
        'mailctl;user;help;show' {
            break
        }
        'mailctl;user;help;passwd' {
            break
        }
        'mailctl;user;help;set' {
            break
        }
        'mailctl;user;help;test-password' {
            break
        }
        'mailctl;user;help;import' {
            break
        }
        'mailctl;user;help;help' {
            break
        }
        'mailctl;alias' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove some destinations of SOURCE, or the whole alias when none are given')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List aliases with their destinations')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;alias;add' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Allow an alias that diverts a mailbox''s mail away from it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;alias;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;alias;list' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Only this domain')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;alias;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove some destinations of SOURCE, or the whole alias when none are given')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List aliases with their destinations')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;alias;help;add' {
            break
        }
        'mailctl;alias;help;remove' {
            break
        }
        'mailctl;alias;help;list' {
            break
        }
        'mailctl;alias;help;help' {
            break
        }
        'mailctl;config' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every setting with its value, default, type and meaning')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value (the default when unset)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a stored value so the default applies again (a running daemon reloads)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;config;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;config;get' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;config;set' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Store a mynetworks wider than a /24 (IPv6: /64) or 0.0.0.0/0: an open relay for it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;config;unset' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;config;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every setting with its value, default, type and meaning')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value (the default when unset)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a stored value so the default applies again (a running daemon reloads)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;config;help;list' {
            break
        }
        'mailctl;config;help;get' {
            break
        }
        'mailctl;config;help;set' {
            break
        }
        'mailctl;config;help;unset' {
            break
        }
        'mailctl;config;help;help' {
            break
        }
        'mailctl;queue' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Messages in the queue with each recipient''s state and last error (`mailq`)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One message: envelope, every attempt with the remote''s replies, and its headers')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Make these messages due now; a running server retries them within seconds')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove messages without delivering or bouncing them (`postsuper -d`)')
            [CompletionResult]::new('hold', 'hold', [CompletionResultType]::ParameterValue, 'Keep messages from being attempted until released (`postsuper -h`)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Let held messages be attempted again (`postsuper -H`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;queue;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--deferred', '--deferred', [CompletionResultType]::ParameterName, 'Only messages waiting for a retry after a failed attempt')
            [CompletionResult]::new('--held', '--held', [CompletionResultType]::ParameterName, 'Only messages on hold')
            [CompletionResult]::new('--quarantined', '--quarantined', [CompletionResultType]::ParameterName, 'Only messages whose spool file failed verification (kept in queue/quarantine/)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;queue;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;queue;flush' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;queue;retry' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;queue;delete' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every message')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;queue;hold' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;queue;release' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;queue;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Messages in the queue with each recipient''s state and last error (`mailq`)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One message: envelope, every attempt with the remote''s replies, and its headers')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Make these messages due now; a running server retries them within seconds')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove messages without delivering or bouncing them (`postsuper -d`)')
            [CompletionResult]::new('hold', 'hold', [CompletionResultType]::ParameterValue, 'Keep messages from being attempted until released (`postsuper -h`)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Let held messages be attempted again (`postsuper -H`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;queue;help;list' {
            break
        }
        'mailctl;queue;help;show' {
            break
        }
        'mailctl;queue;help;flush' {
            break
        }
        'mailctl;queue;help;retry' {
            break
        }
        'mailctl;queue;help;delete' {
            break
        }
        'mailctl;queue;help;hold' {
            break
        }
        'mailctl;queue;help;release' {
            break
        }
        'mailctl;queue;help;help' {
            break
        }
        'mailctl;tls' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The certificate in use (issuer, names, serial, expiry) and the last ACME result')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;tls;status' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;tls;renew' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;tls;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The certificate in use (issuer, names, serial, expiry) and the last ACME result')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;tls;help;status' {
            break
        }
        'mailctl;tls;help;renew' {
            break
        }
        'mailctl;tls;help;help' {
            break
        }
        'mailctl;trace' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only messages received within this long (e.g. 2h, 3d); default: all that are kept')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sendmail' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            break
        }
        'mailctl;install-links' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Override a listener: NAME=ADDR:PORT (repeatable; port 0 picks a free port)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--dev', '--dev', [CompletionResultType]::ParameterName, 'Zero-setup demo: data in ./mailctl-dev, domain example.test, a demo user, a self-signed certificate, loopback ports (SMTP 2525, submission 2587, IMAP 2143, POP3 2110, ManageSieve 4190, webmail 2443)')
            [CompletionResult]::new('--allow-root', '--allow-root', [CompletionResultType]::ParameterName, 'Keep running as root when server.user is empty (containers with no other account)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;ban' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Addresses banned now, with when the ban ends')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Lift the ban on an address and forget its failed logins')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;ban;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;ban;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;ban;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Addresses banned now, with when the ban ends')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Lift the ban on an address and forget its failed logins')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;ban;help;list' {
            break
        }
        'mailctl;ban;help;remove' {
            break
        }
        'mailctl;ban;help;help' {
            break
        }
        'mailctl;cluster' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;cluster;status' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;cluster;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;cluster;help;status' {
            break
        }
        'mailctl;cluster;help;help' {
            break
        }
        'mailctl;greylist' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;greylist;list' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many triplets, most recently seen first')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;greylist;allow' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;greylist;remove' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;greylist;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;greylist;help;list' {
            break
        }
        'mailctl;greylist;help;allow' {
            break
        }
        'mailctl;greylist;help;remove' {
            break
        }
        'mailctl;greylist;help;help' {
            break
        }
        'mailctl;dnsbl' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;dnsbl;test' {
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;dnsbl;help' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;dnsbl;help;test' {
            break
        }
        'mailctl;dnsbl;help;help' {
            break
        }
        'mailctl;sieve' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'A user''s scripts, which one is active, sizes and when changed')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a stored script')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store a script from a file (or - for stdin) after checking it compiles')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a script the one delivery runs')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Run no script of this user at delivery')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a script (not the active one)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that a script file compiles; errors say line:column')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Dry run: what the scripts would do with a message, without delivering it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;sieve;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;get' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;put' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--activate', '--activate', [CompletionResultType]::ParameterName, 'Make it the active script too')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;activate' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;deactivate' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;delete' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;check' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;test' {
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The message (RFC 5322 file), or - for stdin')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Envelope sender (MAIL FROM); empty for the null sender')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Envelope recipient (RCPT TO). Default: ADDRESS')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;sieve;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'A user''s scripts, which one is active, sizes and when changed')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a stored script')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store a script from a file (or - for stdin) after checking it compiles')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a script the one delivery runs')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Run no script of this user at delivery')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a script (not the active one)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that a script file compiles; errors say line:column')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Dry run: what the scripts would do with a message, without delivering it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;sieve;help;list' {
            break
        }
        'mailctl;sieve;help;get' {
            break
        }
        'mailctl;sieve;help;put' {
            break
        }
        'mailctl;sieve;help;activate' {
            break
        }
        'mailctl;sieve;help;deactivate' {
            break
        }
        'mailctl;sieve;help;delete' {
            break
        }
        'mailctl;sieve;help;check' {
            break
        }
        'mailctl;sieve;help;test' {
            break
        }
        'mailctl;sieve;help;help' {
            break
        }
        'mailctl;vacation' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Answer mail to ADDRESS with an away message (once per sender per --days)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Stop answering: remove the generated vacation script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;vacation;set' {
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'The reply''s subject (default: "Auto: " and the original subject)')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'The reply''s text, UTF-8 (or - for stdin)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'First day to answer, YYYY-MM-DD (server time zone)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Last day to answer, YYYY-MM-DD')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days between two replies to the same sender (RFC 5230 default 7, at least 1)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;vacation;off' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;vacation;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Answer mail to ADDRESS with an away message (once per sender per --days)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Stop answering: remove the generated vacation script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;vacation;help;set' {
            break
        }
        'mailctl;vacation;help;off' {
            break
        }
        'mailctl;vacation;help;help' {
            break
        }
        'mailctl;forward' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Forward ADDRESS''s mail to DEST... (with --keep, a copy stays in the mailbox)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Stop forwarding: remove the generated forward script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;forward;set' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep a copy in the user''s mailbox too')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;forward;off' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;forward;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Forward ADDRESS''s mail to DEST... (with --keep, a copy stays in the mailbox)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Stop forwarding: remove the generated forward script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;forward;help;set' {
            break
        }
        'mailctl;forward;help;off' {
            break
        }
        'mailctl;forward;help;help' {
            break
        }
        'mailctl;test' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Log in as this user (AUTH PLAIN). Needs --password-stdin: the password is never an argument (other users could read it in the process list)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each step (delivery: for the message to leave the queue)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'delivery: the envelope sender (default postmaster@ the first domain)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'Upgrade with STARTTLS (STLS for POP3) after the greeting')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Implicit TLS from the first byte (ports 465, 993, 995)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read --user''s password from the first line of standard input (e.g. `echo "$PW" | mailctl test smtp HOST --user U --password-stdin`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;maildir' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('walk', 'walk', [CompletionResultType]::ParameterValue, 'The folder tree with message counts, unread, flagged, deleted, sizes and dates')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'The messages of a folder: date, from, subject, flags, size, file')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One message: the headers that matter, its MIME tree, and its text')
            [CompletionResult]::new('reindex', 'reindex', [CompletionResultType]::ParameterValue, 'Rebuild the account''s UID index from its Maildir, keeping the UIDs of existing messages')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find what is wrong; with --repair, fix what is safe (never deletes anything)')
            [CompletionResult]::new('import-mbox', 'import-mbox', [CompletionResultType]::ParameterValue, 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)')
            [CompletionResult]::new('export-mbox', 'export-mbox', [CompletionResultType]::ParameterValue, 'Export a mailbox folder to an mbox file (- for stdout)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;maildir;walk' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;maildir;ls' {
            [CompletionResult]::new('--folder', '--folder', [CompletionResultType]::ParameterName, 'Folder (INBOX, Sent, Archive/2024)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only messages from this day on (YYYY-MM-DD)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Only messages whose From contains this text')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Only messages whose Subject contains this text')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many messages')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the list')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--unread', '--unread', [CompletionResultType]::ParameterName, 'Only messages not yet seen')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;maildir;show' {
            [CompletionResult]::new('--part', '--part', [CompletionResultType]::ParameterName, 'Write MIME part N (as numbered in the tree) to stdout, decoded')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the file as it is')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;maildir;reindex' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;maildir;check' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--repair', '--repair', [CompletionResultType]::ParameterName, 'Fix what is safe: recreate missing directories, normalise names and flags, narrow permissions, sync the index; move links, stale tmp files and files that are not messages (dot files, empty files, no header) to lost+found/ in the Maildir root, where clients do not see them')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;maildir;import-mbox' {
            [CompletionResult]::new('--folder', '--folder', [CompletionResultType]::ParameterName, 'Folder to import into (INBOX, Archive/2024); created if missing')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'mbox variant: auto, mboxrd or mboxo (see above)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;maildir;export-mbox' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'mbox variant: mboxrd (default; round-trips exactly) or mboxo (quotes only "From " lines; auto is mboxrd)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;maildir;help' {
            [CompletionResult]::new('walk', 'walk', [CompletionResultType]::ParameterValue, 'The folder tree with message counts, unread, flagged, deleted, sizes and dates')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'The messages of a folder: date, from, subject, flags, size, file')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One message: the headers that matter, its MIME tree, and its text')
            [CompletionResult]::new('reindex', 'reindex', [CompletionResultType]::ParameterValue, 'Rebuild the account''s UID index from its Maildir, keeping the UIDs of existing messages')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find what is wrong; with --repair, fix what is safe (never deletes anything)')
            [CompletionResult]::new('import-mbox', 'import-mbox', [CompletionResultType]::ParameterValue, 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)')
            [CompletionResult]::new('export-mbox', 'export-mbox', [CompletionResultType]::ParameterValue, 'Export a mailbox folder to an mbox file (- for stdout)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;maildir;help;walk' {
            break
        }
        'mailctl;maildir;help;ls' {
            break
        }
        'mailctl;maildir;help;show' {
            break
        }
        'mailctl;maildir;help;reindex' {
            break
        }
        'mailctl;maildir;help;check' {
            break
        }
        'mailctl;maildir;help;import-mbox' {
            break
        }
        'mailctl;maildir;help;export-mbox' {
            break
        }
        'mailctl;maildir;help;help' {
            break
        }
        'mailctl;import' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('dovecot', 'dovecot', [CompletionResultType]::ParameterValue, 'Import Dovecot''s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions')
            [CompletionResult]::new('imap', 'imap', [CompletionResultType]::ParameterValue, 'Copy every folder of an account from any IMAP server, keeping the source''s UIDVALIDITY and UIDs where the folder is new here; resumable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;import;dovecot' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The domain the users belong to (served here: `mailctl domain add`)')
            [CompletionResult]::new('--passwd-file', '--passwd-file', [CompletionResultType]::ParameterName, 'Dovecot''s passwd-file: its users are created here with their password hashes')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only this user (local part or address)')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'Where an account''s Maildir is under ROOT, as Dovecot''s mail_location says it: %n the local part, %d the domain, %u the address')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--reset-passwords', '--reset-passwords', [CompletionResultType]::ParameterName, 'Give users whose hash this server cannot verify (MD5-CRYPT, SSHA, none) a new random password, printed in the summary, instead of refusing to import')
            [CompletionResult]::new('--copy', '--copy', [CompletionResultType]::ParameterName, 'Copy the message files even when a hard link would do (a hard link shares the file, and its owner, with Dovecot''s store)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;import;imap' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The mailbox here to copy into (default: USER, when it is an address of this server)')
            [CompletionResult]::new('--all-users-from', '--all-users-from', [CompletionResultType]::ParameterName, 'Many accounts: a CSV file of source_user,password[,to_address] lines (a header line starting with "user" and lines starting with # are skipped)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the source password from the first line of stdin')
            [CompletionResult]::new('--insecure-tls', '--insecure-tls', [CompletionResultType]::ParameterName, 'Accept any TLS certificate from the source (a test server''s self-signed one)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;import;help' {
            [CompletionResult]::new('dovecot', 'dovecot', [CompletionResultType]::ParameterValue, 'Import Dovecot''s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions')
            [CompletionResult]::new('imap', 'imap', [CompletionResultType]::ParameterValue, 'Copy every folder of an account from any IMAP server, keeping the source''s UIDVALIDITY and UIDs where the folder is new here; resumable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;import;help;dovecot' {
            break
        }
        'mailctl;import;help;imap' {
            break
        }
        'mailctl;import;help;help' {
            break
        }
        'mailctl;dns' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record the domain''s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made')
            [CompletionResult]::new('mx', 'mx', [CompletionResultType]::ParameterValue, 'MX records of DOMAIN and the addresses they lead to')
            [CompletionResult]::new('ptr', 'ptr', [CompletionResultType]::ParameterValue, 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back')
            [CompletionResult]::new('spf', 'spf', [CompletionResultType]::ParameterValue, 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address')
            [CompletionResult]::new('dmarc', 'dmarc', [CompletionResultType]::ParameterValue, 'The DMARC record of DOMAIN, checked')
            [CompletionResult]::new('dkim', 'dkim', [CompletionResultType]::ParameterValue, 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held')
            [CompletionResult]::new('bl', 'bl', [CompletionResultType]::ParameterValue, 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list''s documented return codes are read; an error answer or a failed lookup is "error", exit 1')
            [CompletionResult]::new('records', 'records', [CompletionResultType]::ParameterValue, 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;dns;check' {
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'This server''s public address(es); default: the public_ip setting')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'DKIM selector(s) to check; default: the keys mailctl holds for the domain')
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;dns;mx' {
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;dns;ptr' {
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;dns;spf' {
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Evaluate the record for this sending address (repeatable)')
            [CompletionResult]::new('--sender', '--sender', [CompletionResultType]::ParameterName, 'Envelope sender to evaluate (default postmaster@DOMAIN)')
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;dns;dmarc' {
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;dns;dkim' {
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;dns;bl' {
            [CompletionResult]::new('--zone', '--zone', [CompletionResultType]::ParameterName, 'Blocklist zone(s) to ask instead of the setting')
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;dns;records' {
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'The server''s public address(es); default: the public_ip setting')
            [CompletionResult]::new('--backup-mx', '--backup-mx', [CompletionResultType]::ParameterName, 'A backup MX host for the domain (repeatable): an MX line behind this server''s for each')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;dns;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record the domain''s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made')
            [CompletionResult]::new('mx', 'mx', [CompletionResultType]::ParameterValue, 'MX records of DOMAIN and the addresses they lead to')
            [CompletionResult]::new('ptr', 'ptr', [CompletionResultType]::ParameterValue, 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back')
            [CompletionResult]::new('spf', 'spf', [CompletionResultType]::ParameterValue, 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address')
            [CompletionResult]::new('dmarc', 'dmarc', [CompletionResultType]::ParameterValue, 'The DMARC record of DOMAIN, checked')
            [CompletionResult]::new('dkim', 'dkim', [CompletionResultType]::ParameterValue, 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held')
            [CompletionResult]::new('bl', 'bl', [CompletionResultType]::ParameterValue, 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list''s documented return codes are read; an error answer or a failed lookup is "error", exit 1')
            [CompletionResult]::new('records', 'records', [CompletionResultType]::ParameterValue, 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;dns;help;check' {
            break
        }
        'mailctl;dns;help;mx' {
            break
        }
        'mailctl;dns;help;ptr' {
            break
        }
        'mailctl;dns;help;spf' {
            break
        }
        'mailctl;dns;help;dmarc' {
            break
        }
        'mailctl;dns;help;dkim' {
            break
        }
        'mailctl;dns;help;bl' {
            break
        }
        'mailctl;dns;help;records' {
            break
        }
        'mailctl;dns;help;help' {
            break
        }
        'mailctl;check' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('message', 'message', [CompletionResultType]::ParameterValue, 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage''s verdict and the decision. Exit 1 unless accepted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;check;message' {
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'The connecting client''s address')
            [CompletionResult]::new('--helo', '--helo', [CompletionResultType]::ParameterName, 'The name the client gave in EHLO/HELO')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The MAIL FROM address; an empty string or `<>` is the null sender')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Recipient(s) of the transaction')
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Resolver to ask (ADDR[:PORT]); default: the dns.nameserver setting, else the system''s')
            [CompletionResult]::new('--pct-sample', '--pct-sample', [CompletionResultType]::ParameterName, 'The DMARC pct draw (0-99) instead of a random one, to reproduce a decision')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;check;help' {
            [CompletionResult]::new('message', 'message', [CompletionResultType]::ParameterValue, 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage''s verdict and the decision. Exit 1 unless accepted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;check;help;message' {
            break
        }
        'mailctl;check;help;help' {
            break
        }
        'mailctl;dkim' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Make a signing key for DOMAIN and print the TXT record to publish')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the TXT records for the keys held for DOMAIN')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;dkim;generate' {
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Selector (default: the dkim.selector setting, "mail")')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'ed25519 (small, modern) or rsa (2048 bits, verified everywhere; needs openssl)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing key with the same selector')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;dkim;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;dkim;import' {
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Selector (default: the dkim.selector setting, "mail")')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;dkim;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Make a signing key for DOMAIN and print the TXT record to publish')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the TXT records for the keys held for DOMAIN')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;dkim;help;generate' {
            break
        }
        'mailctl;dkim;help;show' {
            break
        }
        'mailctl;dkim;help;import' {
            break
        }
        'mailctl;dkim;help;help' {
            break
        }
        'mailctl;backup' {
            [CompletionResult]::new('--incremental-from', '--incremental-from', [CompletionResultType]::ParameterName, 'Copy only messages that are not in this earlier backup (directory or .tar.zst); the new backup needs it to be restored')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'dir or tar.zst; default: tar.zst when DEST ends in .tar.zst, else dir')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check every file of the backup DEST against its manifest instead of taking one')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;restore' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Restore even though the data directory is not empty: what is there is moved aside to DIR.replaced-<time> first (never deleted). A running daemon still refuses')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;upgrade' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Say what this mailctl would migrate, changing nothing; exit 1 if it cannot open the database (its schema is newer)')
            [CompletionResult]::new('--restore-snapshot', '--restore-snapshot', [CompletionResultType]::ParameterName, 'Put back the newest `backups/pre-upgrade-vN.db` as the core database (the current one is kept in backups/). For going back to an older mailctl after an upgrade')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;db' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move this server''s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;db;migrate' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The empty PostgreSQL database, e.g. `postgres://mailctl@db.example.org/mail?sslmode=verify-full&sslrootcert=/etc/ssl/pg-ca.pem`; `-` reads it from stdin (a password in an argument is visible to `ps`)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;db;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move this server''s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;db;help;migrate' {
            break
        }
        'mailctl;db;help;help' {
            break
        }
        'mailctl;autoconfig' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'mailctl;completions' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;man' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory (database, queue, Maildirs, keys). Default: /var/lib/mailctl for root, else $XDG_DATA_HOME/mailctl or ~/.local/share/mailctl')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output: one JSON document on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and requested data')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'mailctl;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Set up a fresh server: hostname, first domain and mailbox, TLS, services')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'What is configured: counts, data directory, listeners')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'The running daemon''s numbers (connections, mail, queue, logins, verdicts) from its metrics endpoint; the queue from the database when the endpoint is off')
            [CompletionResult]::new('domain', 'domain', [CompletionResultType]::ParameterValue, 'Manage the domains this server receives mail for')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage mailboxes (users) and their passwords and quotas')
            [CompletionResult]::new('alias', 'alias', [CompletionResultType]::ParameterValue, 'Manage aliases, distribution lists and catch-alls')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read and change server settings')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'Inspect and manage the mail queue (list, show, flush, retry, delete, hold, release)')
            [CompletionResult]::new('tls', 'tls', [CompletionResultType]::ParameterValue, 'The TLS certificate in use and its ACME renewal (status, renew)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Why didn''t a message arrive? Its timeline (queued or in the delivery history) and a diagnosis of what failed, by address, Message-ID or queue id')
            [CompletionResult]::new('sendmail', 'sendmail', [CompletionResultType]::ParameterValue, 'Read a message on stdin and queue it, with sendmail''s flags (-t, -i, -f, -F ...)')
            [CompletionResult]::new('install-links', 'install-links', [CompletionResultType]::ParameterValue, 'Create `sendmail` and `mailq` links to this binary in DIR (e.g. /usr/sbin)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the mail daemons (SMTP, submission, IMAP, POP3, outbound queue); `--dev` for a zero-setup local demo')
            [CompletionResult]::new('ban', 'ban', [CompletionResultType]::ParameterValue, 'List or lift bans of client addresses that failed to log in too often')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'The nodes serving this mail system: heartbeats, listeners, queue claims, last error')
            [CompletionResult]::new('greylist', 'greylist', [CompletionResultType]::ParameterValue, 'What greylisting on port 25 remembers, and its allow list')
            [CompletionResult]::new('dnsbl', 'dnsbl', [CompletionResultType]::ParameterValue, 'What the DNS allow- and blocklists of the inbound checks say about a client address')
            [CompletionResult]::new('sieve', 'sieve', [CompletionResultType]::ParameterValue, 'Users'' Sieve mail filters: store, activate, check and dry-run scripts')
            [CompletionResult]::new('vacation', 'vacation', [CompletionResultType]::ParameterValue, 'Away messages without writing Sieve (generates the script `mailctl-vacation`)')
            [CompletionResult]::new('forward', 'forward', [CompletionResultType]::ParameterValue, 'Forward a user''s mail without writing Sieve (generates the script `mailctl-forward`)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Live check of a mail server: connect, greeting, capabilities, TLS and certificate, login')
            [CompletionResult]::new('maildir', 'maildir', [CompletionResultType]::ParameterValue, 'Inspect, check and repair Maildirs; import and export mbox')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Migrate in from Dovecot or any IMAP server, keeping UIDs so clients keep their caches')
            [CompletionResult]::new('dns', 'dns', [CompletionResultType]::ParameterValue, 'DNS diagnostics: check MX, PTR, SPF, DKIM, DMARC and blocklists; print the records to publish')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Dry runs of the inbound checks: what the server would decide about a message')
            [CompletionResult]::new('dkim', 'dkim', [CompletionResultType]::ParameterValue, 'DKIM signing keys: generate, show the record to publish, import')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Take a consistent backup of the data directory while the server runs, or check one (--verify)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup onto a fresh (empty) data directory')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Before and after an upgrade: what this mailctl would migrate (--check), or go back to the database copy taken before the last migration')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'The core database''s engine: move a SQLite server to PostgreSQL (`db migrate --to`)')
            [CompletionResult]::new('autoconfig', 'autoconfig', [CompletionResultType]::ParameterValue, 'Print the mail client autoconfiguration document (config-v1.1.xml) for a domain')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for mailctl')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages for mailctl, every subcommand and the settings into DIR')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailctl;help;setup' {
            break
        }
        'mailctl;help;status' {
            break
        }
        'mailctl;help;stats' {
            break
        }
        'mailctl;help;domain' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Start receiving mail for a domain (internationalized names welcome)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Stop serving a domain. Refuses while it has users or aliases unless --force')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List served domains with user and alias counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Counts and Maildir size of one domain, and its inbound policy')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'A domain''s own inbound policy: spam thresholds and what spam and DMARC failures get')
            break
        }
        'mailctl;help;domain;add' {
            break
        }
        'mailctl;help;domain;remove' {
            break
        }
        'mailctl;help;domain;list' {
            break
        }
        'mailctl;help;domain;show' {
            break
        }
        'mailctl;help;domain;set' {
            break
        }
        'mailctl;help;user' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a mailbox. The password comes from stdin, a prompt, or is generated; never argv')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a mailbox. Its mail is moved to <data-dir>/removed/<date>-<address>/ (so a later `user add` of the same address starts empty) unless --keep-mail or --purge')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List mailboxes')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Details of one mailbox, including its Maildir usage')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change a mailbox''s password')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change quota or enable/disable a mailbox (a disabled one cannot log in or receive mail)')
            [CompletionResult]::new('test-password', 'test-password', [CompletionResultType]::ParameterValue, 'Check a password against the stored hash, as the daemons would (exit 1 if it fails)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Create many mailboxes from a CSV file: address,password_or_hash[,quota]. All or nothing')
            break
        }
        'mailctl;help;user;add' {
            break
        }
        'mailctl;help;user;remove' {
            break
        }
        'mailctl;help;user;list' {
            break
        }
        'mailctl;help;user;show' {
            break
        }
        'mailctl;help;user;passwd' {
            break
        }
        'mailctl;help;user;set' {
            break
        }
        'mailctl;help;user;test-password' {
            break
        }
        'mailctl;help;user;import' {
            break
        }
        'mailctl;help;alias' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Forward SOURCE to one or more destinations. SOURCE `@domain` catches every unknown address of the domain; several destinations make a distribution list')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove some destinations of SOURCE, or the whole alias when none are given')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List aliases with their destinations')
            break
        }
        'mailctl;help;alias;add' {
            break
        }
        'mailctl;help;alias;remove' {
            break
        }
        'mailctl;help;alias;list' {
            break
        }
        'mailctl;help;config' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every setting with its value, default, type and meaning')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one setting''s value (the default when unset)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting; the value is checked before it is stored, and a running daemon is asked to reload (or told to restart, for listen.*, hostname, server.user, tls paths)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a stored value so the default applies again (a running daemon reloads)')
            break
        }
        'mailctl;help;config;list' {
            break
        }
        'mailctl;help;config;get' {
            break
        }
        'mailctl;help;config;set' {
            break
        }
        'mailctl;help;config;unset' {
            break
        }
        'mailctl;help;queue' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Messages in the queue with each recipient''s state and last error (`mailq`)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One message: envelope, every attempt with the remote''s replies, and its headers')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Attempt delivery of everything queued now (`postqueue -f`). Safe while the server runs: each recipient is leased to one of them at a time')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Make these messages due now; a running server retries them within seconds')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove messages without delivering or bouncing them (`postsuper -d`)')
            [CompletionResult]::new('hold', 'hold', [CompletionResultType]::ParameterValue, 'Keep messages from being attempted until released (`postsuper -h`)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Let held messages be attempted again (`postsuper -H`)')
            break
        }
        'mailctl;help;queue;list' {
            break
        }
        'mailctl;help;queue;show' {
            break
        }
        'mailctl;help;queue;flush' {
            break
        }
        'mailctl;help;queue;retry' {
            break
        }
        'mailctl;help;queue;delete' {
            break
        }
        'mailctl;help;queue;hold' {
            break
        }
        'mailctl;help;queue;release' {
            break
        }
        'mailctl;help;tls' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The certificate in use (issuer, names, serial, expiry) and the last ACME result')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Order a certificate by ACME now (tls.acme must be on), then tell the daemon to load it')
            break
        }
        'mailctl;help;tls;status' {
            break
        }
        'mailctl;help;tls;renew' {
            break
        }
        'mailctl;help;trace' {
            break
        }
        'mailctl;help;sendmail' {
            break
        }
        'mailctl;help;install-links' {
            break
        }
        'mailctl;help;serve' {
            break
        }
        'mailctl;help;ban' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Addresses banned now, with when the ban ends')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Lift the ban on an address and forget its failed logins')
            break
        }
        'mailctl;help;ban;list' {
            break
        }
        'mailctl;help;ban;remove' {
            break
        }
        'mailctl;help;cluster' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Every node that has run `serve` on this database: up, down (no heartbeat for three intervals, 30 s) or stopped, with its version, listeners, queue claims and last error')
            break
        }
        'mailctl;help;cluster;status' {
            break
        }
        'mailctl;help;greylist' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The allow list, the client networks that retried correctly, and the triplets (client network, sender, recipient) seen most recently')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Never greylist a client address or network (IP, CIDR) or a sender domain (and its subdomains)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget an allow entry and what greylisting learnt about that client network or sender domain (its next new message is greylisted again)')
            break
        }
        'mailctl;help;greylist;list' {
            break
        }
        'mailctl;help;greylist;allow' {
            break
        }
        'mailctl;help;greylist;remove' {
            break
        }
        'mailctl;help;dnsbl' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Ask every configured list about a client address: listed (with what the code means), not listed, or an error; exit 1 when a blocklist lists it or a list could not be asked')
            break
        }
        'mailctl;help;dnsbl;test' {
            break
        }
        'mailctl;help;sieve' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'A user''s scripts, which one is active, sizes and when changed')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a stored script')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Store a script from a file (or - for stdin) after checking it compiles')
            [CompletionResult]::new('activate', 'activate', [CompletionResultType]::ParameterValue, 'Make a script the one delivery runs')
            [CompletionResult]::new('deactivate', 'deactivate', [CompletionResultType]::ParameterValue, 'Run no script of this user at delivery')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a script (not the active one)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that a script file compiles; errors say line:column')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Dry run: what the scripts would do with a message, without delivering it')
            break
        }
        'mailctl;help;sieve;list' {
            break
        }
        'mailctl;help;sieve;get' {
            break
        }
        'mailctl;help;sieve;put' {
            break
        }
        'mailctl;help;sieve;activate' {
            break
        }
        'mailctl;help;sieve;deactivate' {
            break
        }
        'mailctl;help;sieve;delete' {
            break
        }
        'mailctl;help;sieve;check' {
            break
        }
        'mailctl;help;sieve;test' {
            break
        }
        'mailctl;help;vacation' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Answer mail to ADDRESS with an away message (once per sender per --days)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Stop answering: remove the generated vacation script')
            break
        }
        'mailctl;help;vacation;set' {
            break
        }
        'mailctl;help;vacation;off' {
            break
        }
        'mailctl;help;forward' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Forward ADDRESS''s mail to DEST... (with --keep, a copy stays in the mailbox)')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, 'Stop forwarding: remove the generated forward script')
            break
        }
        'mailctl;help;forward;set' {
            break
        }
        'mailctl;help;forward;off' {
            break
        }
        'mailctl;help;test' {
            break
        }
        'mailctl;help;maildir' {
            [CompletionResult]::new('walk', 'walk', [CompletionResultType]::ParameterValue, 'The folder tree with message counts, unread, flagged, deleted, sizes and dates')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'The messages of a folder: date, from, subject, flags, size, file')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One message: the headers that matter, its MIME tree, and its text')
            [CompletionResult]::new('reindex', 'reindex', [CompletionResultType]::ParameterValue, 'Rebuild the account''s UID index from its Maildir, keeping the UIDs of existing messages')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find what is wrong; with --repair, fix what is safe (never deletes anything)')
            [CompletionResult]::new('import-mbox', 'import-mbox', [CompletionResultType]::ParameterValue, 'Import an mbox file into a mailbox folder (files 0600, as delivery writes them)')
            [CompletionResult]::new('export-mbox', 'export-mbox', [CompletionResultType]::ParameterValue, 'Export a mailbox folder to an mbox file (- for stdout)')
            break
        }
        'mailctl;help;maildir;walk' {
            break
        }
        'mailctl;help;maildir;ls' {
            break
        }
        'mailctl;help;maildir;show' {
            break
        }
        'mailctl;help;maildir;reindex' {
            break
        }
        'mailctl;help;maildir;check' {
            break
        }
        'mailctl;help;maildir;import-mbox' {
            break
        }
        'mailctl;help;maildir;export-mbox' {
            break
        }
        'mailctl;help;import' {
            [CompletionResult]::new('dovecot', 'dovecot', [CompletionResultType]::ParameterValue, 'Import Dovecot''s Maildirs (and its passwd-file users), keeping UIDs, flags, keywords, dates and subscriptions')
            [CompletionResult]::new('imap', 'imap', [CompletionResultType]::ParameterValue, 'Copy every folder of an account from any IMAP server, keeping the source''s UIDVALIDITY and UIDs where the folder is new here; resumable')
            break
        }
        'mailctl;help;import;dovecot' {
            break
        }
        'mailctl;help;import;imap' {
            break
        }
        'mailctl;help;dns' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every record the domain''s mail depends on; say what is wrong and what to publish. Exit 1 if any check fails or could not be made')
            [CompletionResult]::new('mx', 'mx', [CompletionResultType]::ParameterValue, 'MX records of DOMAIN and the addresses they lead to')
            [CompletionResult]::new('ptr', 'ptr', [CompletionResultType]::ParameterValue, 'PTR of IP (IPv4 or IPv6): it must name the HELO host (setting hostname) and resolve back')
            [CompletionResult]::new('spf', 'spf', [CompletionResultType]::ParameterValue, 'The SPF record of DOMAIN with its include tree; with --ip, the verdict for that address')
            [CompletionResult]::new('dmarc', 'dmarc', [CompletionResultType]::ParameterValue, 'The DMARC record of DOMAIN, checked')
            [CompletionResult]::new('dkim', 'dkim', [CompletionResultType]::ParameterValue, 'The DKIM keys published at SELECTOR._domainkey.DOMAIN, compared with the keys held')
            [CompletionResult]::new('bl', 'bl', [CompletionResultType]::ParameterValue, 'Whether IP is on the configured DNS blocklists (setting dnsbl.zones). Each list''s documented return codes are read; an error answer or a failed lookup is "error", exit 1')
            [CompletionResult]::new('records', 'records', [CompletionResultType]::ParameterValue, 'The records to publish for DOMAIN: MX, A/AAAA, SPF, DKIM, DMARC, TLS-RPT, autoconfig, RFC 6186 SRV, and the PTR to ask your provider for')
            break
        }
        'mailctl;help;dns;check' {
            break
        }
        'mailctl;help;dns;mx' {
            break
        }
        'mailctl;help;dns;ptr' {
            break
        }
        'mailctl;help;dns;spf' {
            break
        }
        'mailctl;help;dns;dmarc' {
            break
        }
        'mailctl;help;dns;dkim' {
            break
        }
        'mailctl;help;dns;bl' {
            break
        }
        'mailctl;help;dns;records' {
            break
        }
        'mailctl;help;check' {
            [CompletionResult]::new('message', 'message', [CompletionResultType]::ParameterValue, 'Run the inbound pipeline (DNSBL, SPF, DKIM, DMARC, ARC) on a message without delivering it; print each stage''s verdict and the decision. Exit 1 unless accepted')
            break
        }
        'mailctl;help;check;message' {
            break
        }
        'mailctl;help;dkim' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Make a signing key for DOMAIN and print the TXT record to publish')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the TXT records for the keys held for DOMAIN')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Store an existing private key (PEM: PKCS#8 Ed25519 or RSA, or PKCS#1 RSA)')
            break
        }
        'mailctl;help;dkim;generate' {
            break
        }
        'mailctl;help;dkim;show' {
            break
        }
        'mailctl;help;dkim;import' {
            break
        }
        'mailctl;help;backup' {
            break
        }
        'mailctl;help;restore' {
            break
        }
        'mailctl;help;upgrade' {
            break
        }
        'mailctl;help;db' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move this server''s core (domains, users, aliases, settings, queue, bans, Sieve scripts, history) and every mailbox index (UIDs kept) from SQLite into an empty PostgreSQL database and switch to it')
            break
        }
        'mailctl;help;db;migrate' {
            break
        }
        'mailctl;help;autoconfig' {
            break
        }
        'mailctl;help;completions' {
            break
        }
        'mailctl;help;man' {
            break
        }
        'mailctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
