"""Card text: templates rendered, cloze, HTML sanitised and nested, maths, sound tags, media names, face budget."""
