"""Matching, explained: one engine for every question "who fits whom".

It answers, with the same scoring and the same words:
- which job seekers fit an opening (the pipeline's ranking, ``ranking.rank_jobseekers_for_opening``);
- which job seekers are worth inviting to a company visit (``ranking.rank_jobseekers_to_invite``);
- which openings and which companies fit a job seeker (``rank_openings_for_jobseeker``,
  ``rank_employers_to_visit``).

How it works, in two steps so that it stays fast at national scale:

1. The database filters (``ranking``). Only job seekers who are looking for work, have the
   consent the question needs, enough hours, a fitting step of the participation ladder and live
   within *their own* maximum travel distance of the work place come back, each with their skill
   ids. Distance is tested on the first four digits of the postcode against the offline postcode
   table (``baanbrekers.geo``), in distance bands, and made exact in Python afterwards.
2. Only people with a skill or interest that touches the company are kept (still in SQL), and the
   database orders them by a pre-score (``prerank``: the same sum as ``scoring``, over arrays of
   word ids), so that Python scores exactly only the top few hundred, stopping once nobody left
   can reach the last place shown. The score itself (``scoring``) works on *concepts* of the
   shared skills vocabulary (``concepts``), never on
   substrings: competences sought (per competence the best of the person's words: the same word,
   a synonym, something narrower, the direct broader term, each at its weight; a hobby counts for
   less), competences the employer values, and *fields of work* shared with the company
   (``themes``: a cook who tinkers with mopeds is in "techniek" through a hobby; a workshop is in
   it through its competences and the concepts its story names as whole words, so "begeleiding"
   in its story makes nobody a carer), plus nearness. Only the top of the list is explained, as
   one line for the pipeline ("fietsenmaker (synoniem van rijwielhersteller) → techniek; 6 km;
   24 uur beschikbaar") or as a list of reasons for a visit invitation.

The engine decides fit, never visibility: callers pass querysets of what the user may see. Data
from higher layers (a "click" during a visit) is passed in by the caller. Weights and distance
bands live in ``weights``. ``bench/matching.py`` measures both steps against 100,000
synthetic job seekers; ``tests/matching/labelled.py`` holds a hand-labelled set to measure
precision at 5.
"""
