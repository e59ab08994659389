"""Travel documents: reading and checking the MRZ (see ``borderpost.documents.mrz.parser``)."""
