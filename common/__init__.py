"""Small pieces every app may use; imports none of the apps."""
