//! Tree shaking as a switch: `--tree-shaking=false` keeps every module and
//! statement the build reaches, and the program behaves the same either way.
//! What tree shaking leaves out is checked by the `shaken` files of the
//! `tree_shaking_*` program fixtures.

mod support;

use std::fs;
use std::path::Path;

use support::{node_stdout as node, weft_ok, write_file as write};

fn project(dir: &Path) {
    write(dir, "package.json", "{\"type\":\"module\"}\n");
    write(
        dir,
        "main.js",
        "import { used } from './lib/index.js';\nconsole.log(used());\n",
    );
    write(
        dir,
        "lib/package.json",
        "{\"type\":\"module\",\"sideEffects\":false}\n",
    );
    write(
        dir,
        "lib/index.js",
        "export { used } from './used.js';\nexport { unused } from './unused.js';\n",
    );
    write(dir, "lib/used.js", "export const used = () => 'USED_BODY';\nexport const sibling = () => 'UNUSED_SIBLING_BODY';\n");
    write(
        dir,
        "lib/unused.js",
        "export const unused = () => 'UNUSED_MODULE_BODY';\n",
    );
}

#[test]
fn tree_shaking_can_be_turned_off() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir);
    let expected = node(dir, "main.js");
    assert_eq!(expected, "USED_BODY\n");

    for (flag, keeps_everything) in [(None, false), (Some("--tree-shaking=false"), true)] {
        let mut args = vec!["bundle", "main.js", "-o", "out.mjs"];
        args.extend(flag);
        weft_ok(dir, &args);
        let bundle = fs::read_to_string(dir.join("out.mjs")).unwrap();
        for text in ["UNUSED_SIBLING_BODY", "UNUSED_MODULE_BODY"] {
            assert_eq!(
                bundle.contains(text),
                keeps_everything,
                "{flag:?}: {text} in\n{bundle}"
            );
        }
        assert_eq!(node(dir, "out.mjs"), expected, "{flag:?}");
    }
}
