/* split.c - fuzz target: the word splitters of the config, shlex_split
 * (command=, split at spawn) and the environment= tokenizer (env_tokens,
 * parse_env).  Besides the sanitizers, it checks what must hold whatever
 * the input:
 *   - the words shlex_split returns, quoted as Python's shlex.quote does and
 *     joined by blanks, split again into the same words;
 *   - a failed split leaves no words;
 *   - parse_env gives KEY=VALUE entries, one per key, and on an error
 *     leaves the environment it was given as it was (all or nothing). */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* shlex.quote: in single quotes, a ' as '"'"'. */
static void quote_word(struct sbuf *b, const char *w)
{
	sb_adds(b, "'");
	for (; *w; w++)
		if (*w == '\'')
			sb_adds(b, "'\"'\"'");
		else
			sb_addn(b, w, 1);
	sb_adds(b, "'");
}

static void check_shlex(const char *s)
{
	struct strv argv = { 0 }, again = { 0 };
	struct sbuf b = { 0 };
	char err[128];
	int i;

	if (shlex_split(s, &argv, err, sizeof err) < 0) {
		FZ_ASSERT(argv.n == 0 && !argv.v, "shlex_split failed (%s) but left words", err);
		return;
	}
	for (i = 0; i < argv.n; i++) {
		if (i)
			sb_adds(&b, " ");
		quote_word(&b, argv.v[i]);
	}
	FZ_ASSERT(shlex_split(sb_str(&b), &again, err, sizeof err) == 0,
	          "the quoted words do not split again: %s", err);
	FZ_ASSERT(again.n == argv.n, "%d words, quoted and split again %d", argv.n, again.n);
	for (i = 0; i < argv.n; i++)
		FZ_ASSERT(strcmp(argv.v[i], again.v[i]) == 0, "word %d [%s] came back as [%s]",
		          i, argv.v[i], again.v[i]);
	free(b.p);
	strv_free(&argv);
	strv_free(&again);
}

static void check_env(const char *s)
{
	struct strv tok = { 0 }, env = { 0 };
	char *emsg = NULL;
	int comment = 0, mangled = 0, i, j;

	if (env_tokens(s, &tok, &comment) == 0)
		for (i = 0; i < tok.n; i++)
			FZ_ASSERT(tok.v[i][0], "env_tokens made an empty token");
	strv_free(&tok);

	strv_push(&env, xstrdup("KEPT=1"));
	if (parse_env(s, &env, &mangled, &emsg) < 0) {
		FZ_ASSERT(emsg && env.n == 1 && !strcmp(env.v[0], "KEPT=1"),
		          "a failed parse_env changed the environment");
		free(emsg);
	} else {
		for (i = 0; i < env.n; i++) {
			size_t k = strcspn(env.v[i], "=");
			FZ_ASSERT(env.v[i][k] == '=', "entry [%s] has no '='", env.v[i]);
			for (j = 0; j < i; j++)
				FZ_ASSERT(strncmp(env.v[j], env.v[i], k + 1) != 0,
				          "key of [%s] twice", env.v[i]);
		}
	}
	strv_free(&env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_string(data, size);

	check_shlex(s);
	check_env(s);
	free(s);
	return 0;
}
