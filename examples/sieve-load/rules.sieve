# A realistic personal script for examples/sieve-load.sh: twenty rules of the kinds users
# write (lists, senders, envelope, subjects, spam headers, sizes, a body test), most of which
# do not match the load message, which is flagged and kept.
require ["fileinto", "imap4flags", "envelope", "body", "mailbox", "relational",
         "comparator-i;ascii-numeric", "subaddress"];
if header :contains "list-id" "announce.example.org" { fileinto :create "Lists/announce"; stop; }
if header :contains "list-id" "dev.example.org" { fileinto :create "Lists/dev"; stop; }
if exists "list-unsubscribe" { fileinto :create "Lists"; stop; }
if header :is "precedence" ["bulk", "list", "junk"] { fileinto :create "Bulk"; stop; }
if address :domain :is "from" ["github.com", "gitlab.com"] { fileinto :create "Code"; stop; }
if address :is "from" "boss@example.org" { addflag "\\Flagged"; }
if envelope :domain :is "from" "bank.example" { fileinto :create "Finance"; stop; }
if header :matches "subject" "*invoice*" { fileinto :create "Finance"; stop; }
if address :localpart :is "to" "postmaster" { fileinto :create "Admin"; stop; }
if header :contains "x-spam-flag" "YES" { fileinto :create "Junk"; stop; }
if header :value "ge" :comparator "i;ascii-numeric" "x-spam-score" "5" { fileinto :create "Junk"; stop; }
if size :over 10M { fileinto :create "Large"; stop; }
if header :contains "subject" ["[ticket", "[jira"] { fileinto :create "Tickets"; stop; }
if allof (address :domain :is "from" "partner.example", header :contains "subject" "contract") {
  fileinto :create :flags "contract" "Partners"; stop;
}
if envelope :detail "to" "shop" { fileinto :create "Shopping"; stop; }
if anyof (header :contains "subject" "webinar", header :contains "from" "events@") {
  fileinto :create "Events"; stop;
}
if header :count "ge" :comparator "i;ascii-numeric" "received" "30" { fileinto :create "Junk"; stop; }
if address :all :is ["to", "cc"] "team@example.org" { fileinto :create "Team"; stop; }
if header :contains "subject" "load" { addflag "\\Seen"; }
if body :text :contains ["unsubscribe", "view this email in your browser"] {
  fileinto :create "Newsletters"; stop;
}
