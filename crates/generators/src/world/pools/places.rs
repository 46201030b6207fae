//! Where partners are: countries (weighted), their cities with the ISO 3166-2 code of
//! their state, province or region, and the shape of their postcodes.

use crate::world::rng::Draws;
use synth_model::Postcode;

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
        }
    }
}
