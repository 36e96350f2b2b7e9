package vernier.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Character-level language-model data: the training and validation text as ids (0 = unknown). */
final class CharData {

  final int[] train;
  final int[] valid;
  final int vocabularySize;

  private CharData(int[] train, int[] valid, int vocabularySize) {
    this.train = train;
    this.valid = valid;
    this.vocabularySize = vocabularySize;
  }

  static CharData load(Path train, Path valid) throws IOException {
    return build(Files.readString(train), Files.readString(valid));
  }

  /**
   * The built-in corpus, no download: sentences from a small grammar with number agreement ("the
   * cats chase a mouse." / "a dog sleeps."), so a model must look back several characters and words
   * to predict well; character entropy is far below that of uniform text.
   */
  static CharData builtIn() {
    return build(generate(40_000, 21), generate(6_000, 22));
  }

  private static final String[] NOUNS = {
    "cat", "dog", "bird", "fox", "child", "farmer", "robot", "teacher"
  };
  private static final String[] PLURALS = {
    "cats", "dogs", "birds", "foxes", "children", "farmers", "robots", "teachers"
  };
  private static final String[] VERBS = {"see", "chase", "like", "follow", "watch", "help"};
  private static final String[] INTRANSITIVE = {"sleep", "run", "sing", "wait", "smile"};
  private static final String[] ADJECTIVES = {"small", "old", "happy", "quiet", "clever", "red"};

  private static String generate(int chars, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    while (text.length() < chars) {
      boolean plural = random.nextBoolean();
      text.append(plural ? "the " : random.nextBoolean() ? "the " : "a ");
      if (random.nextInt(3) == 0) {
        text.append(ADJECTIVES[random.nextInt(ADJECTIVES.length)]).append(' ');
      }
      int noun = random.nextInt(NOUNS.length);
      text.append(plural ? PLURALS[noun] : NOUNS[noun]).append(' ');
      if (random.nextBoolean()) {
        String verb = VERBS[random.nextInt(VERBS.length)];
        text.append(plural ? verb : verb + (verb.endsWith("ch") ? "es" : "s"));
        text.append(random.nextBoolean() ? " the " : " a ")
            .append(NOUNS[random.nextInt(NOUNS.length)]);
      } else {
        String verb = INTRANSITIVE[random.nextInt(INTRANSITIVE.length)];
        text.append(plural ? verb : verb + "s");
      }
      text.append(". ");
    }
    return text.toString();
  }

  private static CharData build(String train, String valid) {
    Map<Character, Integer> vocabulary = new TreeMap<>();
    for (char c : train.toCharArray()) {
      vocabulary.putIfAbsent(c, vocabulary.size() + 1);
    }
    if (train.length() < 100) {
      throw new IllegalArgumentException(
          "training text is too short: " + train.length() + " characters");
    }
    return new CharData(
        encode(train, vocabulary), encode(valid, vocabulary), vocabulary.size() + 1);
  }

  private static int[] encode(String text, Map<Character, Integer> vocabulary) {
    int[] ids = new int[text.length()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.getOrDefault(text.charAt(i), 0);
    }
    return ids;
  }
}
