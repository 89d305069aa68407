//! The `.npy` header: magic, version, and the Python dict literal that
//! describes dtype, memory order and shape.

use oxlearn::{Error, Result};

/// The magic string every `.npy` file starts with.
pub(crate) const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// An element type of a `.npy` file that this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Float,
    Int,
    Uint,
    Bool,
}

/// A supported dtype: kind, size in bytes, byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DType {
    pub(crate) kind: Kind,
    pub(crate) size: usize,
    pub(crate) little_endian: bool,
}

impl DType {
    /// Parses a numpy type string such as `<f8`, `>i4` or `|u1`.
    fn parse(descr: &str) -> Option<DType> {
        let mut chars = descr.chars();
        let order = chars.next()?;
        let kind = chars.next()?;
        let size: usize = chars.as_str().parse().ok()?;
        let little_endian = match order {
            '<' => true,
            '>' => false,
            '|' | '=' => cfg!(target_endian = "little"),
            _ => return None,
        };
        let kind = match (kind, size) {
            ('f', 4 | 8) => Kind::Float,
            ('i', 1 | 2 | 4 | 8) => Kind::Int,
            ('u', 1 | 2 | 4 | 8) => Kind::Uint,
            ('b', 1) => Kind::Bool,
            _ => return None,
        };
        Some(DType {
            kind,
            size,
            little_endian,
        })
    }
}

/// A parsed header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) dtype: DType,
    pub(crate) fortran_order: bool,
    pub(crate) shape: Vec<usize>,
}

/// A value of the header's dict literal.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Bool(bool),
    Int(u64),
    Tuple(Vec<Value>),
}

/// Builds a header parse error at byte `offset` (0-based) of the file.
pub(crate) fn npy_error(file: &str, offset: usize, message: impl Into<String>) -> Error {
    Error::Parse {
        file: file.to_string(),
        line: 1,
        column: offset + 1,
        message: message.into(),
    }
}

/// A recursive-descent parser of the dict literal.
struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    /// Offset of the text in the file, for error positions.
    base: usize,
    file: &'a str,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> Error {
        npy_error(self.file, self.base + self.pos, message)
    }

    fn skip_ws(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.text.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected `{}` in the header", byte as char)))
        }
    }

    fn value(&mut self) -> Result<Value> {
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => {
                let start = self.pos + 1;
                let len = self.text[start..]
                    .iter()
                    .position(|&b| b == q)
                    .ok_or_else(|| self.error("unterminated string in the header"))?;
                self.pos = start + len + 1;
                let s = std::str::from_utf8(&self.text[start..start + len])
                    .map_err(|_| self.error("the header is not valid UTF-8"))?;
                Ok(Value::Str(s.to_string()))
            }
            Some(b'(') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    if self.peek() == Some(b')') {
                        self.pos += 1;
                        return Ok(Value::Tuple(items));
                    }
                    // A shape is a flat tuple: no nesting (and no deep
                    // recursion on a crafted header).
                    if self.peek() == Some(b'(') {
                        return Err(self.error("a nested tuple in the header"));
                    }
                    items.push(self.value()?);
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b')') => {}
                        _ => return Err(self.error("expected `,` or `)` in the shape tuple")),
                    }
                }
            }
            Some(b) if b.is_ascii_digit() => {
                let start = self.pos;
                while self.pos < self.text.len() && self.text[self.pos].is_ascii_digit() {
                    self.pos += 1;
                }
                // Python 2 wrote long integers with an `L` suffix.
                let digits = std::str::from_utf8(&self.text[start..self.pos]).unwrap_or("");
                if self.text.get(self.pos) == Some(&b'L') {
                    self.pos += 1;
                }
                digits
                    .parse()
                    .map(Value::Int)
                    .map_err(|_| npy_error(self.file, self.base + start, "integer too large in the header"))
            }
            Some(b'T') if self.text[self.pos..].starts_with(b"True") => {
                self.pos += 4;
                Ok(Value::Bool(true))
            }
            Some(b'F') if self.text[self.pos..].starts_with(b"False") => {
                self.pos += 5;
                Ok(Value::Bool(false))
            }
            _ => Err(self.error(
                "unsupported value in the header (structured dtypes and object arrays are not supported)",
            )),
        }
    }

    fn dict(&mut self) -> Result<Vec<(String, Value, usize)>> {
        self.expect(b'{')?;
        let mut entries = Vec::new();
        loop {
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(entries);
            }
            let at = self.base + self.pos;
            let Value::Str(key) = self.value()? else {
                return Err(npy_error(
                    self.file,
                    at,
                    "expected a string key in the header",
                ));
            };
            self.expect(b':')?;
            let at = self.base + self.pos;
            let value = self.value()?;
            entries.push((key, value, at));
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected `,` or `}` in the header")),
            }
        }
    }
}

/// Parses the header text (after the length field) found at byte `base`.
pub(crate) fn parse_dict(text: &[u8], base: usize, file: &str) -> Result<Header> {
    let mut parser = Parser {
        text,
        pos: 0,
        base,
        file,
    };
    let entries = parser.dict()?;
    let find = |key: &str| {
        entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, at)| (v, *at))
            .ok_or_else(|| npy_error(file, base, format!("the header has no `{key}` entry")))
    };
    let dtype = match find("descr")? {
        (Value::Str(descr), at) => DType::parse(descr).ok_or_else(|| {
            npy_error(
                file,
                at,
                format!(
                    "unsupported dtype `{descr}`: expected a float (f4, f8), integer \
                     (i1..i8, u1..u8) or bool (b1) type"
                ),
            )
        })?,
        (_, at) => {
            return Err(npy_error(
                file,
                at,
                "`descr` must be a type string such as '<f8'",
            ));
        }
    };
    let fortran_order = match find("fortran_order")? {
        (Value::Bool(b), _) => *b,
        (_, at) => return Err(npy_error(file, at, "`fortran_order` must be True or False")),
    };
    let shape = match find("shape")? {
        (Value::Tuple(items), at) => items
            .iter()
            .map(|v| match v {
                Value::Int(n) => usize::try_from(*n).ok(),
                _ => None,
            })
            .collect::<Option<Vec<usize>>>()
            .ok_or_else(|| {
                npy_error(file, at, "`shape` must be a tuple of non-negative integers")
            })?,
        (_, at) => {
            return Err(npy_error(
                file,
                at,
                "`shape` must be a tuple such as (3, 4)",
            ));
        }
    };
    Ok(Header {
        dtype,
        fortran_order,
        shape,
    })
}

/// The full header bytes (magic, version, length, dict, padding, newline) for
/// a C-order array of `shape` with type string `descr`.
///
/// Version 1.0 unless the dict is longer than a 16-bit length allows; the
/// total length is a multiple of 64 as numpy writes it.
pub(crate) fn encode(descr: &str, shape: &[usize]) -> Vec<u8> {
    let shape_text = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}");
    let (version, len_bytes) = if dict.len() + 1 + 10 <= usize::from(u16::MAX) {
        (1u8, 2)
    } else {
        (2u8, 4)
    };
    let prefix = MAGIC.len() + 2 + len_bytes;
    let unpadded = prefix + dict.len() + 1;
    let padding = (64 - unpadded % 64) % 64;
    let header_len = dict.len() + padding + 1;
    let mut out = Vec::with_capacity(prefix + header_len);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version, 0]);
    if len_bytes == 2 {
        // Fits: checked above.
        out.extend_from_slice(&(header_len as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header_len as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', padding));
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numpy_headers() {
        let h = parse_dict(
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }   \n",
            10,
            "t",
        )
        .unwrap();
        assert_eq!(h.shape, vec![3, 4]);
        assert!(!h.fortran_order);
        assert_eq!(h.dtype.kind, Kind::Float);
        assert_eq!(h.dtype.size, 8);

        let h = parse_dict(
            b"{\"shape\": (5,), \"fortran_order\": True, \"descr\": \">i4\"}",
            10,
            "t",
        )
        .unwrap();
        assert_eq!(h.shape, vec![5]);
        assert!(h.fortran_order);
        assert!(!h.dtype.little_endian);

        let h = parse_dict(
            b"{'descr': '|u1', 'fortran_order': False, 'shape': (), }",
            10,
            "t",
        )
        .unwrap();
        assert!(h.shape.is_empty());
    }

    #[test]
    fn rejects_bad_headers_with_positions() {
        for bad in [
            &b"{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }"[..],
            b"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }",
            b"{'descr': '<f8', 'shape': (3,), }",
            b"{'descr': '<f8', 'fortran_order': 0, 'shape': (3,), }",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 'a'), }",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,",
            b"{'descr': '<f8', 'fortran_order': False, 'shape': ((((((3,),),),),),), }",
            b"'descr'",
            b"{'descr: '<f8'}",
        ] {
            let err = parse_dict(bad, 10, "t").unwrap_err();
            assert!(
                matches!(err, Error::Parse { column, .. } if column >= 11),
                "{err}"
            );
        }
    }

    #[test]
    fn encoded_headers_are_aligned_and_parse_back() {
        for shape in [vec![], vec![3], vec![2, 3], vec![1, 2, 3, 4]] {
            let bytes = encode("<f4", &shape);
            assert_eq!(bytes.len() % 64, 0);
            assert_eq!(*bytes.last().unwrap(), b'\n');
            let h = parse_dict(&bytes[10..], 10, "t").unwrap();
            assert_eq!(h.shape, shape);
        }
    }
}
