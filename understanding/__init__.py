"""Understanding: text (and the asker's scope) in, an intent with slots and a confidence out.

Channel-neutral and pure: no database, no channel. Handlers route on `Understood.intent`.
"""
