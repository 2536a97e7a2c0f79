//! The one value type and the one row type of `core::sql`, and their conversions to and
//! from both engines' own (rusqlite's, and `postgres`'s for the wire). Not here: running
//! statements (`core::sql`).

use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::core::{CoreError, Result};

/// One SQL value, whichever engine it comes from or goes to. Booleans are integers 0/1 on
/// both engines (the schema stores them as integers), timestamps are seconds as `Int`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(v as i64)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A result row: values by position, read with [`Row::get`].
#[derive(Debug, Clone)]
pub struct Row(pub(super) Vec<Value>);

impl Row {
    pub fn get<T: FromValue>(&self, idx: usize) -> Result<T> {
        let v = self.0.get(idx).unwrap_or(&Value::Null);
        T::from_value(v).ok_or_else(|| not_a::<T>(idx, v))
    }

    /// A text column, borrowed: no copy for a caller that only compares it.
    pub fn text(&self, idx: usize) -> Result<&str> {
        match self.0.get(idx) {
            Some(Value::Text(t)) => Ok(t),
            v => Err(not_a::<String>(idx, v.unwrap_or(&Value::Null))),
        }
    }

    /// [`Row::get`] that moves the column out (leaving NULL) instead of copying it: for hot
    /// reads of text and blobs, one allocation per column instead of two.
    pub fn take<T: FromValue>(&mut self, idx: usize) -> Result<T> {
        let Some(slot) = self.0.get_mut(idx) else {
            return Err(not_a::<T>(idx, &Value::Null));
        };
        // The kind, not the value, for the message: formatting the value on every read
        // would cost more than the move saves.
        let kind = match slot {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Real(_) => "a real",
            Value::Text(_) => "text",
            Value::Blob(_) => "a blob",
        };
        let v = std::mem::replace(slot, Value::Null);
        T::from_owned(v).ok_or_else(|| {
            CoreError::Invalid(format!(
                "database: column {idx} holds {kind}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

fn not_a<T>(idx: usize, v: &Value) -> CoreError {
    CoreError::Invalid(format!(
        "database: column {idx} holds {v:?}, not a {}",
        std::any::type_name::<T>()
    ))
}

/// Types a [`Row`] column converts to.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;

    /// The conversion of a value the caller gives up: text and blobs move instead of copying.
    fn from_owned(v: Value) -> Option<Self> {
        Self::from_value(&v)
    }
}
impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
/// Counts and sizes: stored signed, never negative in meaning.
impl FromValue for u64 {
    fn from_value(v: &Value) -> Option<u64> {
        i64::from_value(v).map(|i| i.max(0) as u64)
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<bool> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<f64> {
        match v {
            Value::Real(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<String> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn from_owned(v: Value) -> Option<String> {
        match v {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Vec<u8>> {
        match v {
            Value::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
    fn from_owned(v: Value) -> Option<Vec<u8>> {
        match v {
            Value::Blob(b) => Some(b),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Option<T>> {
        match v {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
    fn from_owned(v: Value) -> Option<Option<T>> {
        match v {
            Value::Null => Some(None),
            v => T::from_owned(v).map(Some),
        }
    }
}

pub(crate) fn from_sqlite(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

mod pg_types {
    use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

    use super::Value;

    type BoxError = Box<dyn std::error::Error + Sync + Send>;

    /// Binds by the type PostgreSQL inferred for the placeholder, so one `Int` serves
    /// BIGINT, INTEGER and SMALLINT columns alike (out of range is an error, never a wrap).
    impl ToSql for Value {
        fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
            match (self, ty) {
                (Value::Null, _) => Ok(IsNull::Yes),
                (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
                (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
                (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
                (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
                (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
                (Value::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
                (Value::Real(f), &Type::FLOAT4) => (*f as f32).to_sql(ty, out),
                (Value::Text(s), _) if <&str as ToSql>::accepts(ty) => s.as_str().to_sql(ty, out),
                (Value::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
                (v, ty) => Err(format!("cannot bind {v:?} to a {ty} parameter").into()),
            }
        }

        fn accepts(_: &Type) -> bool {
            true
        }

        to_sql_checked!();
    }

    impl<'a> FromSql<'a> for Value {
        fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Value, BoxError> {
            Ok(match *ty {
                Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
                Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
                Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
                Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
                Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
                Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
                Type::BYTEA => Value::Blob(Vec::<u8>::from_sql(ty, raw)?),
                ref t if <String as FromSql>::accepts(t) => Value::Text(String::from_sql(ty, raw)?),
                ref t => return Err(format!("no mapping for the column type {t}").into()),
            })
        }

        fn from_sql_null(_: &Type) -> Result<Value, BoxError> {
            Ok(Value::Null)
        }

        fn accepts(_: &Type) -> bool {
            true
        }
    }
}
