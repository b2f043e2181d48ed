//! Plausible names for demo data. Institutions and employers are fictional.

pub const GIVEN_FEMALE: &[&str] = &[
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace", "Freya",
    "Aisha", "Maryam", "Zara", "Hannah", "Chloe", "Ellie", "Megan", "Niamh", "Siobhan", "Ffion", "Amira",
    "Priya", "Chioma", "Oliwia", "Zofia", "Leah", "Jessica", "Holly", "Evie", "Poppy", "Ruby", "Daisy",
];

pub const GIVEN_MALE: &[&str] = &[
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Jack", "Charlie", "Jacob", "Thomas",
    "Mohammed", "Yusuf", "Ibrahim", "Aarav", "Arjun", "Kwame", "Tobi", "Dylan", "Rhys", "Callum", "Connor",
    "Kacper", "Jakub", "Liam", "Ethan", "Mason", "Logan", "Reece", "Kieran", "Declan", "Owen", "Ryan",
];

pub const FAMILY: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
    "Khan", "Hussain", "Ali", "Ahmed", "Begum", "Singh", "Kaur", "Okafor", "Mensah", "Adeyemi", "Nowak",
    "Kowalski", "O'Brien", "Murphy", "Kelly", "Hughes", "Edwards", "Lewis", "Harris", "Martin", "Cooper",
    "King", "Lee", "Baker", "Hill", "Moore", "Shaw", "Marsh", "Holmes",
];

/// A plausible (fictional) institution for an education destination.
pub fn institution_for(
    category: onward_domain::destination::DestinationCategory,
    rng: &mut impl rand::Rng,
) -> &'static str {
    use onward_domain::destination::DestinationCategory as C;
    use rand::seq::IndexedRandom;
    let choices: &[&str] = match category {
        C::EducationSchoolSixthForm => &["Northfield Academy Sixth Form", "St Aidan's Sixth Form"],
        C::EducationSixthFormCollege => &["Leeds Riverside Sixth Form College"],
        C::EducationHigher => &["University of West Yorkshire", "Pennine Metropolitan University"],
        _ => &["Aire Valley College", "Bradford Community Learning"],
    };
    choices.choose(rng).copied().unwrap_or("Aire Valley College")
}

pub const EMPLOYERS: &[&str] = &[
    "Kirkgate Digital Ltd",
    "Aire Logistics",
    "Calder Care Homes",
    "Wharfe Engineering",
    "Northern Rail Services",
    "City Hospital NHS Trust",
    "Marlowe & Sons Builders",
    "Brightside Marketing",
    "Harrogate Hotels Group",
    "West Riding Council",
];
