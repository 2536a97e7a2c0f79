//! Administration at scale: importing 10,000 users, listing 100,000 users and aliases (core
//! and through the real binary with --json), and the cost of hashing new passwords.
//! Run with `cargo bench --bench admin`.

use std::process::Command;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mailctl::auth::{HashCost, hash_password};
use mailctl::core::users::NewUser;
use mailctl::core::{Address, AliasSource, DataDir, Db, Domain};

const PREHASHED: &str = "$2y$05$fdDzU/K/PETLXAePxymtHuoOEnmtT7NQtAfjRyI9ujlp3altqOCSm";

fn users(n: usize) -> Vec<NewUser> {
    (0..n)
        .map(|i| NewUser {
            address: Address::parse(&format!("user{i}@bench.test")).unwrap(),
            password_hash: PREHASHED.to_string(),
            quota: 1 << 30,
        })
        .collect()
}

fn fresh_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DataDir::new(dir.path())).unwrap();
    db.add_domain(&Domain::parse("bench.test").unwrap())
        .unwrap();
    (dir, db)
}

fn bench_import(c: &mut Criterion) {
    let rows = users(10_000);
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.bench_function("10k pre-hashed users, one transaction", |b| {
        b.iter_batched(
            fresh_db,
            |(_dir, mut db)| db.import_users(&rows).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn bench_list(c: &mut Criterion) {
    let (dir, mut db) = fresh_db();
    db.import_users(&users(100_000)).unwrap();
    {
        // 100,000 alias rows: 50,000 sources with two destinations each, in one transaction.
        let tx = db.conn_mut().unwrap().transaction().unwrap();
        let mut stmt = tx
            .prepare("INSERT INTO aliases (domain_id, source, destination, created) VALUES (1, ?1, ?2, 0)")
            .unwrap();
        for i in 0..50_000 {
            let src = format!("list{i}@bench.test");
            stmt.execute((&src, format!("user{i}@bench.test"))).unwrap();
            stmt.execute((&src, format!("user{}@bench.test", i + 1)))
                .unwrap();
        }
        drop(stmt);
        tx.commit().unwrap();
    }
    let _ = AliasSource::parse("@bench.test");
    let mut g = c.benchmark_group("list");
    g.sample_size(10);
    g.bench_function("core: 100k users", |b| {
        b.iter(|| db.users(None).unwrap().len())
    });
    g.bench_function("core: 100k alias rows", |b| {
        b.iter(|| db.aliases(None).unwrap().len())
    });
    let bin = env!("CARGO_BIN_EXE_mailctl");
    for what in ["user", "alias"] {
        g.bench_function(format!("binary: {what} list --json, 100k rows"), |b| {
            b.iter(|| {
                let o = Command::new(bin)
                    .arg("--data-dir")
                    .arg(dir.path())
                    .args(["--json", what, "list"])
                    .output()
                    .unwrap();
                assert!(o.status.success());
                o.stdout.len()
            })
        });
    }
    g.finish();
}

fn bench_hash(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    g.sample_size(10);
    g.bench_function("argon2id, OWASP cost, one password", |b| {
        b.iter(|| hash_password("correct horse battery", HashCost::OWASP).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_import, bench_list, bench_hash);
criterion_main!(benches);
