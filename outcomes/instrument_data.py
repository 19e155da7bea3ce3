"""The published instruments as data: items, answer scale, scoring bands, flags. Loaded by a data migration.

Plain dicts (no imports) so the migration that loads them stays valid as the models change. A new version of an
instrument is a new entry with a higher `version`; measures keep the version they were answered on.

Sources (see README, "Outcome measures"): PHQ-9 and GAD-7 (Kroenke, Spitzer, Williams; Pfizer: free to use, no
permission needed), PCL-5 (Weathers et al., US National Center for PTSD: public domain), the 0–10 numeric pain
rating scale (public domain).
"""

FREQUENCY_2_WEEKS = [
    {"value": 0, "label": "Not at all"},
    {"value": 1, "label": "Several days"},
    {"value": 2, "label": "More than half the days"},
    {"value": 3, "label": "Nearly every day"},
]

PHQ9 = {
    "code": "phq9", "version": 1, "name": "PHQ-9",
    "preamble": "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    "items": [
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed; or the opposite, being so fidgety or "
        "restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead, or of hurting yourself in some way",
    ],
    "scale": FREQUENCY_2_WEEKS,
    "bands": [
        {"min": 0, "max": 4, "code": "minimal", "label": "Minimal"},
        {"min": 5, "max": 9, "code": "mild", "label": "Mild"},
        {"min": 10, "max": 14, "code": "moderate", "label": "Moderate"},
        {"min": 15, "max": 19, "code": "moderately_severe", "label": "Moderately severe"},
        {"min": 20, "max": 27, "code": "severe", "label": "Severe"},
    ],
    "remission_below": 5,
    # Any answer above 0 on item 9 goes to a clinician before dosing.
    "urgent_items": [9],
}

GAD7 = {
    "code": "gad7", "version": 1, "name": "GAD-7",
    "preamble": "Over the last 2 weeks, how often have you been bothered by the following problems?",
    "items": [
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ],
    "scale": FREQUENCY_2_WEEKS,
    "bands": [
        {"min": 0, "max": 4, "code": "minimal", "label": "Minimal"},
        {"min": 5, "max": 9, "code": "mild", "label": "Mild"},
        {"min": 10, "max": 14, "code": "moderate", "label": "Moderate"},
        {"min": 15, "max": 21, "code": "severe", "label": "Severe"},
    ],
    "remission_below": 5,
    "urgent_items": [],
}

PCL5 = {
    "code": "pcl5", "version": 1, "name": "PCL-5",
    "preamble": "In the past month, how much were you bothered by:",
    "items": [
        "Repeated, disturbing, and unwanted memories of the stressful experience?",
        "Repeated, disturbing dreams of the stressful experience?",
        "Suddenly feeling or acting as if the stressful experience were actually happening again (as if you were "
        "actually back there reliving it)?",
        "Feeling very upset when something reminded you of the stressful experience?",
        "Having strong physical reactions when something reminded you of the stressful experience (for example, "
        "heart pounding, trouble breathing, sweating)?",
        "Avoiding memories, thoughts, or feelings related to the stressful experience?",
        "Avoiding external reminders of the stressful experience (for example, people, places, conversations, "
        "activities, objects, or situations)?",
        "Trouble remembering important parts of the stressful experience?",
        "Having strong negative beliefs about yourself, other people, or the world (for example, having thoughts "
        "such as: I am bad, there is something seriously wrong with me, no one can be trusted, the world is "
        "completely dangerous)?",
        "Blaming yourself or someone else for the stressful experience or what happened after it?",
        "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
        "Loss of interest in activities that you used to enjoy?",
        "Feeling distant or cut off from other people?",
        "Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving "
        "feelings for people close to you)?",
        "Irritable behavior, angry outbursts, or acting aggressively?",
        "Taking too many risks or doing things that could cause you harm?",
        "Being \u201csuperalert\u201d or watchful or on guard?",
        "Feeling jumpy or easily startled?",
        "Having difficulty concentrating?",
        "Trouble falling or staying asleep?",
    ],
    "scale": [
        {"value": 0, "label": "Not at all"},
        {"value": 1, "label": "A little bit"},
        {"value": 2, "label": "Moderately"},
        {"value": 3, "label": "Quite a bit"},
        {"value": 4, "label": "Extremely"},
    ],
    # The published cut-off is a range, 31–33: a total in it is "probable PTSD range"; above it "probable PTSD";
    # below it under the threshold. (Our reading of "31–33 as the probable-PTSD range".)
    "bands": [
        {"min": 0, "max": 30, "code": "below_threshold", "label": "Below the probable-PTSD threshold"},
        {"min": 31, "max": 33, "code": "probable_ptsd_range", "label": "Probable PTSD range (31\u201333)"},
        {"min": 34, "max": 80, "code": "probable_ptsd", "label": "Probable PTSD"},
    ],
    "remission_below": None,
    "urgent_items": [],
}

PAIN = {
    "code": "pain", "version": 1, "name": "Pain score (0\u201310)",
    "preamble": "Please rate your pain on average over the past 24 hours.",
    "items": ["Pain on average (0 = no pain, 10 = pain as bad as you can imagine)"],
    "scale": [{"value": v, "label": {0: "No pain", 10: "Pain as bad as you can imagine"}.get(v, str(v))} for v in range(11)],
    "bands": [
        {"min": 0, "max": 0, "code": "none", "label": "No pain"},
        {"min": 1, "max": 3, "code": "mild", "label": "Mild"},
        {"min": 4, "max": 6, "code": "moderate", "label": "Moderate"},
        {"min": 7, "max": 10, "code": "severe", "label": "Severe"},
    ],
    "remission_below": None,
    "urgent_items": [],
}

INSTRUMENTS = [PHQ9, GAD7, PCL5, PAIN]

#: The instruments each shared protocol's sessions ask for, by the protocol's slug.
PROTOCOL_DEFAULTS = {
    "depression-iv": ["phq9"],
    "esketamine-nasal": ["phq9"],
    "booster-iv": ["phq9"],
    "anxiety-sc": ["gad7"],
    "ptsd-iv": ["pcl5"],
    "chronic-pain-iv": ["pain"],
}

#: A protocol with no instruments named: the instruments of the first word of its indication found here.
INDICATION_DEFAULTS = {
    "depression": ["phq9"], "maintenance": ["phq9"], "booster": ["phq9"],
    "anxiety": ["gad7"], "ptsd": ["pcl5"], "pain": ["pain"],
}
