/// One realistic log per catalogue signature: a few lines of ordinary output around the
/// failure, as the tool that fails prints it.
enum SignatureCases {
    static let logs: [String: String] = [
        "npm-missing-script": """
            > Running build in Washington, D.C., USA (East) – iad1
            Running "install" command: `npm install`...
            added 312 packages in 9s
            npm ERR! Missing script: "build"
            npm ERR!
            npm ERR! To see a list of scripts, run:
            npm ERR!   npm run
            """,
        "yarn-missing-script": """
            yarn run v1.22.19
            error Command "build:prod" not found.
            info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.
            """,
        "pnpm-missing-script": """
            Scope: all 4 workspace projects
            ERR_PNPM_NO_SCRIPT  Missing script: start
            Command "start" not found.
            """,
        "npm-eresolve": """
            npm ERR! code ERESOLVE
            npm ERR! ERESOLVE unable to resolve dependency tree
            npm ERR! While resolving: my-app@0.1.0
            npm ERR! Found: react@18.2.0
            npm ERR! Could not resolve dependency:
            npm ERR! peer react@"^16.8.0" from react-beautiful-dnd@12.2.0
            """,
        "pnpm-peer-dependencies": """
            Progress: resolved 812, reused 790, downloaded 0, added 0
             ERR_PNPM_PEER_DEP_ISSUES  Unmet peer dependencies
            └─┬ @storybook/react 6.5.16
              └── ✕ unmet peer react@"^16.8.0 || ^17.0.0": found 18.2.0
            """,
        "npm-version-not-found": """
            npm ERR! code ETARGET
            npm ERR! notarget No matching version found for left-pad@^9.0.0.
            npm ERR! notarget In most cases you or one of your dependencies are requesting
            """,
        "npm-lockfile-out-of-sync": """
            $ npm ci
            npm ERR! code EUSAGE
            npm ERR! `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.
            npm ERR! Missing: zod@3.22.4 from lock file
            """,
        "npm-lifecycle-failed": """
            > app@1.0.0 build /usr/src/app
            > webpack --mode production
            npm ERR! code ELIFECYCLE
            npm ERR! errno 2
            npm ERR! app@1.0.0 build: `webpack --mode production`
            """,
        "node-module-not-found": """
            node:internal/modules/cjs/loader:1080
              throw err;
              ^
            Error: Cannot find module 'express'
            Require stack:
            - /app/server.js
                at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)
            """,
        "node-heap-oom": """
            <--- Last few GCs --->
            [1:0x5f6b2c0]    89213 ms: Mark-sweep 2045.1 (2083.4) -> 2043.9 (2084.1) MB
            FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
             1: 0xb7b3e0 node::Abort() [node]
            """,
        "node-gyp-failed": """
            > bcrypt@5.1.0 install /app/node_modules/bcrypt
            gyp ERR! find Python Python is not set from command line or npm configuration
            gyp ERR! configure error
            gyp ERR! stack Error: Could not find any Python installation to use
            """,
        "node-engine-mismatch": """
            npm WARN EBADENGINE Unsupported engine {
            npm WARN EBADENGINE   package: 'vite@5.0.0',
            npm WARN EBADENGINE   required: { node: '^18.0.0 || >=20.0.0' },
            npm WARN EBADENGINE   current: { node: 'v16.20.2', npm: '8.19.4' }
            """,
        "typescript-compile-error": """
            > tsc -p tsconfig.build.json
            src/routes/users.ts(42,17): error TS2339: Property 'email' does not exist on type 'User'.
            Found 1 error in src/routes/users.ts:42
            """,
        "frontend-build-failed": """
            Creating an optimized production build...
            Failed to compile.

            ./src/App.js
            Module not found: Error: Can't resolve './components/Header' in '/app/src'
            """,
        "pip-no-matching-distribution": """
            Collecting tensorflow==2.3.0
            ERROR: Could not find a version that satisfies the requirement tensorflow==2.3.0 (from versions: 2.12.0, 2.13.0)
            ERROR: No matching distribution found for tensorflow==2.3.0
            """,
        "pip-resolution-impossible": """
            INFO: pip is looking at multiple versions of fastapi to determine which version is compatible with other requirements.
            ERROR: Cannot install -r requirements.txt (line 3) and pydantic==1.10.2 because these package versions have conflicting dependencies.
            ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/
            """,
        "pip-build-failed": """
            Building wheel for psycopg2 (setup.py): started
            Building wheel for psycopg2 (setup.py): finished with status 'error'
            ERROR: Failed building wheel for psycopg2
            Error: pg_config executable not found.
            """,
        "pip-externally-managed": """
            $ pip install -r requirements.txt
            error: externally-managed-environment
            × This environment is externally managed
            """,
        "python-module-not-found": """
            [2024-03-01 10:00:01 +0000] [7] [INFO] Booting worker with pid: 7
            Traceback (most recent call last):
              File "/app/app.py", line 3, in <module>
                import flask_cors
            ModuleNotFoundError: No module named 'flask_cors'
            """,
        "syntax-error": """
              File "/app/main.py", line 12
                print "hello"
                ^^^^^^^^^^^^^
            SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?
            """,
        "c-compile-error": """
            gcc -O2 -Wall -c src/server.c -o build/server.o
            src/server.c:27:10: fatal error: openssl/ssl.h: No such file or directory
               27 | #include <openssl/ssl.h>
            compilation terminated.
            make: *** [Makefile:12: build/server.o] Error 1
            """,
        "linker-error": """
            [100%] Linking CXX executable app
            /usr/bin/ld: CMakeFiles/app.dir/main.cpp.o: in function `main':
            main.cpp:(.text+0x1f): undefined reference to `curl_easy_init'
            collect2: error: ld returned 1 exit status
            """,
        "go-missing-module": """
            #8 [build 4/6] RUN go build -o /server ./cmd/server
            #8 0.412 cmd/server/main.go:9:2: no required module provides package github.com/gorilla/mux; to add it:
            #8 0.412 	go get github.com/gorilla/mux
            """,
        "rust-compile-error": """
               Compiling api v0.1.0 (/app)
            error[E0425]: cannot find value `config` in this scope
              --> src/main.rs:14:20
            error: could not compile `api` due to previous error
            """,
        "java-compile-error": """
            [INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ api ---
            [ERROR] COMPILATION ERROR :
            [ERROR] /app/src/main/java/com/acme/Api.java:[21,9] cannot find symbol
              symbol:   class Jsonb
            [ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile
            """,
        "maven-dependency-resolution": """
            [ERROR] Failed to execute goal on project api: Could not resolve dependencies for project com.acme:api:jar:1.0: Could not find artifact com.acme:shared:jar:2.1 in central (https://repo.maven.apache.org/maven2)
            """,
        "gradle-build-failed": """
            > Task :app:compileKotlin FAILED
            FAILURE: Build failed with an exception.
            * What went wrong:
            Execution failed for task ':app:compileKotlin'.
            """,
        "ruby-gem-missing": """
            bundler: failed to load command: puma (/usr/local/bundle/bin/puma)
            Bundler::GemNotFound: Could not find nokogiri-1.15.4-x86_64-linux in locally installed gems
            """,
        "test-failures": """
            ============================= test session starts ==============================
            tests/test_api.py::test_create_user FAILED
            E       AssertionError: assert 500 == 201
            ========================= 1 failed, 41 passed in 3.21s =========================
            """,
        "segfault": """
            Starting worker 3
            /entrypoint.sh: line 8:    14 Segmentation fault      (core dumped) ./server --port 8080
            """,
        "docker-build-step-failed": """
            #9 [builder 5/7] RUN npm run build
            #9 12.31 npm ERR! code 1
            ------
            ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1
            """,
        "dockerfile-copy-missing": """
            #7 [4/6] COPY dist/ /usr/share/nginx/html
            #7 ERROR: failed to calculate checksum of ref 4f1c0a2b::q8z: "/dist": not found
            ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref 4f1c0a2b::q8z: "/dist": not found
            """,
        "cannot-pull-image": """
            2024-05-02T10:11:12Z service web (task 9b0e0c1b) failed to start
            Stopped reason: CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:latest: not found
            """,
        "registry-auth": """
            The push refers to repository [123456789012.dkr.ecr.us-east-1.amazonaws.com/web]
            5f70bf18a086: Preparing
            no basic auth credentials
            """,
        "exec-format-error": """
            Attaching to web-1
            web-1  | exec /usr/local/bin/docker-entrypoint.sh: exec format error
            web-1 exited with code 1
            """,
        "docker-daemon-unavailable": """
            $ docker build -t web .
            Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?
            """,
        "image-rate-limited": """
            Step 1/9 : FROM node:20-alpine
            toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit
            """,
        "port-in-use": """
            > next start -p 3000
            Error: listen EADDRINUSE: address already in use :::3000
                at Server.setupListenHandle [as _listen2] (node:net:1817:16)
            """,
        "bound-to-localhost": """
            INFO:     Started server process [1]
            INFO:     Waiting for application startup.
            INFO:     Application startup complete.
            INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)
            """,
        "health-check-failed": """
            2024-05-02T10:15:42Z (service web) (task 3c2d1e) failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc)
            2024-05-02T10:15:52Z (service web) has started 1 tasks: (task 8f7e6d).
            """,
        "oom-killed": """
            State:          Terminated
              Reason:       OOMKilled
              Exit Code:    137
            """,
        "essential-container-exited": """
            Task stopped at: 2024-05-02T10:20:11Z
            Stopped reason: Essential container in task exited
            Containers: web (exit code 1)
            """,
        "ecs-circuit-breaker": """
            2024-05-02T10:30:00Z (service web) deployment ecs-svc/1234567890 deployment failed: tasks failed to start.
            2024-05-02T10:30:01Z (service web) ECS Deployment Circuit Breaker was triggered; rolling back to deployment ecs-svc/0987654321.
            """,
        "ecs-insufficient-resources": """
            2024-05-02T10:40:00Z (service worker) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 5f2a) has insufficient memory available.
            """,
        "crash-loop": """
            NAME                   READY   STATUS             RESTARTS      AGE
            web-7d9c5b8f6d-x2kqp   0/1     CrashLoopBackOff   6 (42s ago)   8m
            """,
        "missing-env-var": """
            > api@1.0.0 start
            > node dist/index.js
            Error: Environment variable DATABASE_URL is not set
                at loadConfig (/app/dist/config.js:8:11)
            """,
        "permission-denied": """
            Step 6/8 : RUN ./scripts/build.sh
            /bin/sh: 1: ./scripts/build.sh: Permission denied
            The command '/bin/sh -c ./scripts/build.sh' returned a non-zero code: 126
            """,
        "disk-full": """
            #12 [stage-1 3/4] COPY --from=builder /app/.next ./.next
            #12 ERROR: failed to copy files: copy file range failed: no space left on device
            """,
        "tls-certificate": """
            Collecting requests
            WARNING: Retrying (Retry(total=4)) after connection broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)'))': /simple/requests/
            """,
        "dns-failure": """
            npm ERR! code EAI_AGAIN
            npm ERR! syscall getaddrinfo
            npm ERR! request to https://registry.npmjs.org/express failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org
            """,
        "database-connection-refused": """
            [2024-05-02 10:50:01] Starting api
            sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused
            \tIs the server running on that host and accepting TCP/IP connections?
            """,
        "connection-refused": """
            [nuxt] Fetching https://api.internal:8443/v1/menu
            FetchError: request to http://10.0.3.7:8443/v1/menu failed, reason: connect ECONNREFUSED 10.0.3.7:8443
            """,
        "network-timeout": """
            go: downloading github.com/aws/aws-sdk-go-v2 v1.24.0
            go: github.com/aws/aws-sdk-go-v2@v1.24.0: Get "https://proxy.golang.org/github.com/aws/aws-sdk-go-v2/@v/v1.24.0.zip": dial tcp 142.250.72.17:443: i/o timeout
            """,
        "command-not-found": """
            $ yarn install --frozen-lockfile
            /home/runner/work/_temp/3f1e.sh: line 1: yarn: command not found
            Error: Process completed with exit code 127.
            """,
        "file-not-found": """
            $ cp build/app.jar /deploy/
            cp: cannot stat 'build/app.jar': No such file or directory
            """,
        "git-auth-failed": """
            Cloning into 'shared-lib'...
            git@github.com: Permission denied (publickey).
            fatal: Could not read from remote repository.
            """,
        "aws-credentials": """
            $ aws ecr get-login-password --region us-east-1
            Unable to locate credentials. You can configure credentials by running "aws configure".
            """,
        "aws-access-denied": """
            An error occurred (AccessDeniedException) when calling the CreateService operation: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:CreateService on resource: *
            """,
        "cloudformation-rollback": """
            2024-05-02 11:00:01 UTC+0000 | WebService | CREATE_FAILED | Resource handler returned message: "Invalid request provided: CannotPullContainerError"
            2024-05-02 11:02:41 UTC+0000 | web-stack | ROLLBACK_COMPLETE
            """,
        "terraform-state-lock": """
            Acquiring state lock. This may take a few moments...
            Error: Error acquiring the state lock
            Lock Info:
              ID:        3f6a1b2c-7d8e-4f90-a1b2-c3d4e5f6a7b8
            """,
        "apt-package-missing": """
            #6 [3/7] RUN apt-get install -y libvips-dev
            #6 0.512 E: Unable to locate package libvips-dev
            """,
        "ci-no-output-timeout": """
            Running test suite (this may take a while)
            No output has been received in the last 10m0s, this potentially indicates a stalled build or something wrong with the build itself.
            The build has been terminated
            """,
    ]
}
