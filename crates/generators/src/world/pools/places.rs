//! Where partners are: countries (weighted), their cities with the ISO 3166-2 code of
//! their state, province or region, and the shape of their postcodes.

use crate::world::rng::Draws;
use synth_model::{Postcode, Street};

/// The countries partners are in, each as often as it stands here (20 in all): the US
/// four times, Germany three, France and the UK twice, the others once.
pub static COUNTRY_SLOTS: &[&str] = &[
    "US", "US", "US", "DE", "DE", "FR", "GB", "NL", "IT", "ES", "JP", "CA", "PL", "SE", "CH", "AU",
    "US", "DE", "GB", "FR",
];

/// A city: its name, the ISO 3166-2 code of its region, and its postcodes' shape (`#`
/// any digit, `%` a digit from 1 to 9, `@` a letter both the UK and Canada use in
/// postcodes; anything else as it stands).
pub type City = (&'static str, &'static str, &'static str);

/// The cities of each country of [`COUNTRY_SLOTS`].
pub static CITIES: &[(&str, &[City])] = &[
    (
        "US",
        &[
            ("New York", "US-NY", "100##"),
            ("Chicago", "US-IL", "606##"),
            ("Houston", "US-TX", "770##"),
            ("Atlanta", "US-GA", "303##"),
            ("Los Angeles", "US-CA", "900##"),
            ("Seattle", "US-WA", "981##"),
            ("Miami", "US-FL", "331##"),
            ("Denver", "US-CO", "802##"),
            ("Phoenix", "US-AZ", "850##"),
            ("Boston", "US-MA", "021##"),
            ("Philadelphia", "US-PA", "191##"),
            ("Portland", "US-OR", "972##"),
            ("Columbus", "US-OH", "432##"),
            ("Charlotte", "US-NC", "282##"),
            ("Detroit", "US-MI", "482##"),
            ("Nashville", "US-TN", "372##"),
        ],
    ),
    (
        "DE",
        &[
            ("München", "DE-BY", "803##"),
            ("Hamburg", "DE-HH", "221##"),
            ("Stuttgart", "DE-BW", "701##"),
            ("Berlin", "DE-BE", "101##"),
            ("Köln", "DE-NW", "506##"),
            ("Frankfurt am Main", "DE-HE", "603##"),
        ],
    ),
    (
        "FR",
        &[
            ("Lyon", "FR-ARA", "6900%"),
            ("Toulouse", "FR-OCC", "31%00"),
            ("Paris", "FR-IDF", "7501#"),
            ("Marseille", "FR-PAC", "1300%"),
        ],
    ),
    (
        "GB",
        &[
            ("Manchester", "GB-ENG", "M% %@@"),
            ("Leeds", "GB-ENG", "LS% %@@"),
            ("London", "GB-ENG", "SE% %@@"),
            ("Glasgow", "GB-SCT", "G% %@@"),
        ],
    ),
    (
        "NL",
        &[
            ("Rotterdam", "NL-ZH", "30%% @@"),
            ("Amsterdam", "NL-NH", "10%% @@"),
            ("Utrecht", "NL-UT", "35%% @@"),
        ],
    ),
    (
        "IT",
        &[
            ("Milano", "IT-25", "201##"),
            ("Roma", "IT-62", "001##"),
            ("Torino", "IT-21", "101##"),
        ],
    ),
    (
        "ES",
        &[
            ("Zaragoza", "ES-AR", "500##"),
            ("Madrid", "ES-MD", "280##"),
            ("Barcelona", "ES-CT", "080##"),
        ],
    ),
    (
        "JP",
        &[
            ("Ōsaka", "JP-27", "530-####"),
            ("Tōkyō", "JP-13", "100-####"),
            ("Nagoya", "JP-23", "450-####"),
        ],
    ),
    (
        "CA",
        &[
            ("Montréal", "CA-QC", "H%@ %@%"),
            ("Toronto", "CA-ON", "M%@ %@%"),
            ("Vancouver", "CA-BC", "V%@ %@%"),
            ("Calgary", "CA-AB", "T%@ %@%"),
            ("Ottawa", "CA-ON", "K%@ %@%"),
            ("Winnipeg", "CA-MB", "R%@ %@%"),
            ("Moncton", "CA-NB", "E%@ %@%"),
        ],
    ),
    (
        "PL",
        &[
            ("Kraków", "PL-12", "30-###"),
            ("Warszawa", "PL-14", "00-###"),
            ("Gdańsk", "PL-22", "80-###"),
        ],
    ),
    (
        "SE",
        &[
            ("Göteborg", "SE-O", "41% ##"),
            ("Stockholm", "SE-AB", "11% ##"),
            ("Malmö", "SE-M", "21% ##"),
        ],
    ),
    (
        "CH",
        &[
            ("Basel", "CH-BS", "40%#"),
            ("Zürich", "CH-ZH", "80%#"),
            ("Genève", "CH-GE", "12%#"),
        ],
    ),
    (
        "AU",
        &[
            ("Melbourne", "AU-VIC", "30##"),
            ("Sydney", "AU-NSW", "20##"),
            ("Brisbane", "AU-QLD", "40##"),
        ],
    ),
];

/// Letters of postcodes: those both the UK (inward codes) and Canada use.
const LETTERS: &[u8] = b"ABEGHJLNPRSTWXYZ";

/// A partner's address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    /// ISO country code.
    pub country: &'static str,
    /// City.
    pub city: &'static str,
    /// ISO 3166-2 code of its state, province or region.
    pub region: &'static str,
    /// Postcode.
    pub postcode: Postcode,
    /// House number and street.
    pub street: StreetAddress,
}

/// How a country writes a street address: its street names, the kinds of street, the
/// highest house number, and the order (`N` the number, `S` the name, `K` the kind, `J`
/// Japan's chome-block-house; a kind glued to the name where the pattern has `SK`).
struct StreetStyle {
    countries: &'static [&'static str],
    names: &'static [&'static str],
    kinds: &'static [&'static str],
    highest: u32,
    pattern: &'static str,
}

/// The street styles; a country none lists writes the English way.
static STREET_STYLES: &[StreetStyle] = &[
    StreetStyle {
        countries: &["US", "CA", "AU"],
        names: &[
            "Oak",
            "Maple",
            "Cedar",
            "Pine",
            "Elm",
            "Washington",
            "Lincoln",
            "Park",
            "Lake",
            "Hill",
            "Church",
            "Main",
            "Madison",
            "Jefferson",
            "Market",
            "River",
            "Sunset",
            "Highland",
            "Franklin",
            "Center",
        ],
        kinds: &["Street", "Avenue", "Road", "Drive", "Lane", "Boulevard"],
        highest: 2999,
        pattern: "N S K",
    },
    StreetStyle {
        countries: &["GB", "IE"],
        names: &[
            "Church", "High", "Station", "Mill", "Market", "King", "Queen", "Victoria", "Park",
            "Green", "Manor", "Chapel", "School", "North", "London", "York",
        ],
        kinds: &["Street", "Road", "Lane", "Close", "Way", "Gardens"],
        highest: 250,
        pattern: "N S K",
    },
    StreetStyle {
        countries: &["DE", "AT"],
        names: &[
            "Linden", "Bahnhof", "Haupt", "Schiller", "Goethe", "Garten", "Kirch", "Berg", "Wald",
            "Mühlen", "Schul", "Rosen", "Birken", "Eichen", "Park", "Markt",
        ],
        kinds: &["straße", "weg", "allee"],
        highest: 140,
        pattern: "SK N",
    },
    StreetStyle {
        countries: &["CH"],
        names: &[
            "Bahnhof", "Haupt", "See", "Kirch", "Dorf", "Schul", "Berg", "Garten", "Linden", "Post",
        ],
        kinds: &["strasse", "weg", "gasse"],
        highest: 90,
        pattern: "SK N",
    },
    StreetStyle {
        countries: &["FR"],
        names: &[
            "de la Paix",
            "Victor Hugo",
            "du Moulin",
            "Pasteur",
            "Jean Jaurès",
            "des Lilas",
            "de la Gare",
            "du Château",
            "Voltaire",
            "de la République",
            "Gambetta",
            "des Écoles",
        ],
        kinds: &["rue", "avenue", "boulevard"],
        highest: 180,
        pattern: "N K S",
    },
    StreetStyle {
        countries: &["NL"],
        names: &[
            "Kerk",
            "Molen",
            "Dorps",
            "School",
            "Linden",
            "Prinsen",
            "Heren",
            "Keizers",
            "Wilhelmina",
            "Juliana",
        ],
        kinds: &["straat", "weg", "laan"],
        highest: 200,
        pattern: "SK N",
    },
    StreetStyle {
        countries: &["SE"],
        names: &[
            "Stor",
            "Kyrko",
            "Skol",
            "Ny",
            "Drottning",
            "Kungs",
            "Parks",
            "Sjö",
            "Järnvägs",
            "Ängs",
        ],
        kinds: &["gatan", "vägen"],
        highest: 90,
        pattern: "SK N",
    },
    StreetStyle {
        countries: &["IT"],
        names: &[
            "Roma",
            "Garibaldi",
            "Mazzini",
            "Dante",
            "Verdi",
            "Cavour",
            "Marconi",
            "Matteotti",
            "XX Settembre",
            "Vittorio Emanuele",
        ],
        kinds: &["Via", "Viale", "Corso"],
        highest: 160,
        pattern: "K S N",
    },
    StreetStyle {
        countries: &["ES"],
        names: &[
            "Mayor",
            "Real",
            "Nueva",
            "del Sol",
            "de la Paz",
            "San Juan",
            "Alcalá",
            "Gran Vía",
            "Colón",
            "del Carmen",
        ],
        kinds: &["Calle", "Avenida", "Paseo"],
        highest: 150,
        pattern: "K S N",
    },
    StreetStyle {
        countries: &["PL"],
        names: &[
            "Długa",
            "Krótka",
            "Polna",
            "Leśna",
            "Słoneczna",
            "Kościuszki",
            "Mickiewicza",
            "Ogrodowa",
            "Lipowa",
            "Kwiatowa",
        ],
        kinds: &["ul."],
        highest: 120,
        pattern: "K S N",
    },
    StreetStyle {
        countries: &["JP"],
        names: &[
            "Marunouchi",
            "Shibuya",
            "Umeda",
            "Sakae",
            "Chuo",
            "Honcho",
            "Minato",
            "Nishiki",
            "Kita",
            "Higashi",
        ],
        kinds: &[""],
        highest: 9,
        pattern: "J S",
    },
];

/// The style of `country` (English where none lists it).
fn style(country: &str) -> &'static StreetStyle {
    STREET_STYLES
        .iter()
        .find(|s| s.countries.contains(&country))
        .unwrap_or(&STREET_STYLES[0])
}

/// A street address as drawn: which street name and kind of street of its country's
/// style, and the house number. Kept in parts so that a neighbour's address (another
/// number on the same street) can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StreetAddress {
    /// Index of the street's name in its style.
    pub name: u16,
    /// Index of the kind of street in its style.
    pub kind: u16,
    /// The house number (in Japan the block numbers, as one number: chome, block, house).
    pub number: u32,
}

impl StreetAddress {
    /// A street address of `country`.
    pub(crate) fn draw(country: &str, d: &mut Draws) -> Self {
        let st = style(country);
        let name = d.below(st.names.len()) as u16;
        let kind = d.below(st.kinds.len()) as u16;
        let number = if st.pattern.starts_with('J') {
            // Chome 1-9, block 1-30, house 1-20.
            (1 + d.below(9) as u32) * 10_000
                + (1 + d.below(30) as u32) * 100
                + 1
                + d.below(20) as u32
        } else {
            1 + d.below(st.highest as usize) as u32
        };
        Self { name, kind, number }
    }

    /// The same street, house number `number` (a neighbour's, another entrance).
    pub(crate) fn at(self, number: u32) -> Self {
        Self { number, ..self }
    }

    /// A house number near this one on the same street, never this one.
    pub(crate) fn next_door(self, d: &mut Draws) -> Self {
        let step = 1 + d.below(6) as u32;
        let number = if self.number > step && d.below(2) == 0 {
            self.number - step
        } else {
            self.number + step
        };
        self.at(number)
    }

    /// How `country` writes it.
    pub(crate) fn text(self, country: &str) -> Street {
        let st = style(country);
        let name = st.names[usize::from(self.name) % st.names.len()];
        let kind = st.kinds[usize::from(self.kind) % st.kinds.len()];
        let number = self.number.to_string();
        let mut out = String::with_capacity(40);
        for c in st.pattern.chars() {
            match c {
                'N' => out.push_str(&number),
                'S' => out.push_str(name),
                'K' => out.push_str(kind),
                'J' => {
                    let n = self.number;
                    out.push_str(&format!("{}-{}-{}", n / 10_000, n / 100 % 100, n % 100));
                }
                c => out.push(c),
            }
        }
        Street::from(out.as_str())
    }
}

/// The cities of `country` (none for a country [`CITIES`] does not list).
fn cities(country: &str) -> &'static [City] {
    CITIES.iter().find(|c| c.0 == country).map_or(&[], |c| c.1)
}

/// A place in `country`: one of its cities and a postcode of it.
pub(crate) fn place_in(country: &'static str, d: &mut Draws) -> Place {
    let cities = cities(country);
    let (city, region, shape) = match cities.len() {
        0 => ("", "", ""),
        n => cities[d.below(n)],
    };
    let mut code = [0u8; 12];
    let mut n = 0;
    for b in shape.bytes().take(code.len()) {
        code[n] = match b {
            b'#' => b'0' + d.below(10) as u8,
            b'%' => b'1' + d.below(9) as u8,
            b'@' => LETTERS[d.below(LETTERS.len())],
            b => b,
        };
        n += 1;
    }
    Place {
        country,
        city,
        region,
        postcode: std::str::from_utf8(&code[..n])
            .map_or_else(|_| Postcode::default(), Postcode::from),
        street: StreetAddress::draw(country, d),
    }
}

/// A place anywhere partners are.
pub(crate) fn place(d: &mut Draws) -> Place {
    let country = d.pick(COUNTRY_SLOTS);
    place_in(country, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_cities_and_postcodes_of_its_shape() {
        for country in COUNTRY_SLOTS {
            assert!(!cities(country).is_empty(), "{country}");
        }
        let mut d = Draws::new(1, 2, 3);
        for _ in 0..1000 {
            let p = place(&mut d);
            let code = p.postcode.as_str();
            assert!(p.region.starts_with(p.country), "{p:?}");
            let shape = cities(p.country)
                .iter()
                .find(|c| c.0 == p.city)
                .map(|c| c.2);
            assert_eq!(Some(code.len()), shape.map(str::len), "{p:?}");
            let street = p.street.text(p.country);
            assert!(
                street.as_str().chars().any(|c| c.is_ascii_digit())
                    && street.as_str().len() >= 5
                    && !street.as_str().starts_with(' ')
                    && !street.as_str().ends_with(' ')
                    && !street.as_str().contains("  "),
                "{street:?}"
            );
            assert_ne!(p.street.next_door(&mut d), p.street);
        }
        let de = StreetAddress {
            name: 0,
            kind: 0,
            number: 12,
        };
        assert_eq!(de.text("DE").as_str(), "Lindenstraße 12");
        assert_eq!(de.text("US").as_str(), "12 Oak Street");
        assert_eq!(de.text("FR").as_str(), "12 rue de la Paix");
        assert_eq!(de.text("IT").as_str(), "Via Roma 12");
        assert_eq!(de.at(10_203).text("JP").as_str(), "1-2-3 Marunouchi");
    }
}
